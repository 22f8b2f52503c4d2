import { createHmac } from 'node:crypto';
import { isValidSlackRequest, verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  blockActionsPayload,
  eventCallbackBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionPayload,
} from '../../../sim/slack/signer.ts';

const SECRET = 'test-signing-secret';

function boltAccepts(
  secret: string,
  body: string,
  headers: { 'x-slack-signature': string; 'x-slack-request-timestamp': string },
): boolean {
  return isValidSlackRequest({
    signingSecret: secret,
    body,
    headers: {
      'x-slack-signature': headers['x-slack-signature'],
      'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
    },
  });
}

function payloadOf(form: string): Record<string, unknown> {
  return JSON.parse(new URLSearchParams(form).get('payload') ?? 'null') as Record<string, unknown>;
}

describe('signSlackRequest', () => {
  it('produces a signature that Bolt verifies', () => {
    const body = 'command=%2Fcii&text=bob%40example.com';
    const headers = signSlackRequest(SECRET, body);
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body,
        headers: {
          'x-slack-signature': headers['x-slack-signature'],
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
      }),
    ).not.toThrow();
  });

  it('fails verification with a wrong secret, a changed body or a stale timestamp', () => {
    const body = '{"type":"event_callback"}';
    expect(boltAccepts('another-secret', body, signSlackRequest(SECRET, body))).toBe(false);
    expect(boltAccepts(SECRET, `${body} `, signSlackRequest(SECRET, body))).toBe(false);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 360;
    expect(boltAccepts(SECRET, body, signSlackRequest(SECRET, body, sixMinutesAgo))).toBe(false);
  });

  it('signs v0:<timestamp>:<body> with HMAC-SHA256 as Slack documents', () => {
    const expected = createHmac('sha256', SECRET).update('v0:1700000000:a=b').digest('hex');
    expect(signSlackRequest(SECRET, 'a=b', 1_700_000_000)).toEqual({
      'x-slack-signature': `v0=${expected}`,
      'x-slack-request-timestamp': '1700000000',
    });
  });
});

describe('payload builders', () => {
  it('builds a slash command form with the fields Slack sends', () => {
    const form = new URLSearchParams(
      slashCommandBody({
        command: '/cii',
        text: 'user bob@example.com',
        userId: 'UANALYST',
        channelId: 'C0SOC',
        responseUrl: 'http://r/1',
      }),
    );
    expect(Object.fromEntries(form)).toMatchObject({
      command: '/cii',
      text: 'user bob@example.com',
      user_id: 'UANALYST',
      channel_id: 'C0SOC',
      team_id: 'T0FAKE',
      response_url: 'http://r/1',
      is_enterprise_install: 'false',
      api_app_id: 'A0FAKEAPP',
    });
    expect(form.get('token')).toBeTruthy();
    expect(form.get('team_domain')).toBeTruthy();
    expect(form.get('trigger_id')).toBeTruthy();
  });

  it('builds block_actions with the message for channel messages and without it for ephemeral ones', () => {
    const base = {
      userId: 'UANALYST',
      channelId: 'C0SECALERT',
      messageTs: '1764000000.000100',
      actions: [{ actionId: 'block', blockId: 'acts', value: 'a1:v1' }],
      responseUrl: 'http://r/2',
    };
    const inChannel = payloadOf(blockActionsPayload({ ...base, message: { ts: '1764000000.000100', text: 'card' } }));
    expect(inChannel).toMatchObject({
      type: 'block_actions',
      user: { id: 'UANALYST', team_id: 'T0FAKE' },
      container: { type: 'message', message_ts: '1764000000.000100', channel_id: 'C0SECALERT', is_ephemeral: false },
      message: { text: 'card' },
      actions: [{ action_id: 'block', block_id: 'acts', value: 'a1:v1', type: 'button' }],
      response_url: 'http://r/2',
    });
    const ephemeral = payloadOf(blockActionsPayload({ ...base, isEphemeral: true }));
    expect(ephemeral).toMatchObject({ container: { is_ephemeral: true } });
    expect(ephemeral).not.toHaveProperty('message');
  });

  it('builds view_submission and event_callback bodies', () => {
    const view = payloadOf(
      viewSubmissionPayload({
        userId: 'UADMIN',
        view: { callback_id: 'block_user', private_metadata: 'a1' },
        values: { b: { reason: { type: 'plain_text_input', value: 'phish' } } },
      }),
    );
    expect(view).toMatchObject({
      type: 'view_submission',
      view: {
        callback_id: 'block_user',
        private_metadata: 'a1',
        state: { values: { b: { reason: { value: 'phish' } } } },
      },
    });
    const event = JSON.parse(
      eventCallbackBody({ type: 'app_mention', text: 'hi' }, { eventId: 'Ev1', teamId: 'T1' }),
    ) as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'event_callback',
      event_id: 'Ev1',
      team_id: 'T1',
      event: { type: 'app_mention' },
    });
  });
});
