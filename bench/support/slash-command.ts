import type { FakeSlack } from '../../sim/slack/fake-slack.ts';
import { FORM_CONTENT_TYPE, signSlackRequest, slashCommandBody } from '../../sim/slack/signer.ts';

/** Sends a signed `/cii <text>` from `userId` in `channelId`; resolves to the acknowledgement's body. */
export async function ciiCommand(
  app: { url: string; signingSecret: string },
  slack: FakeSlack,
  input: { text: string; channelId: string; userId: string },
): Promise<string> {
  const body = slashCommandBody({
    command: '/cii',
    text: input.text,
    userId: input.userId,
    channelId: input.channelId,
    teamId: slack.teamId,
    apiAppId: slack.appId,
    responseUrl: slack.newResponseUrl({ channel: input.channelId }),
  });
  const res = await fetch(`${app.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': FORM_CONTENT_TYPE, ...signSlackRequest(app.signingSecret, body) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`/cii ${input.text} in ${input.channelId} answered HTTP ${res.status}: ${text}`);
  return text;
}
