import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockAction, type ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { silentLogger } from '../../src/logger.ts';
import type { CiiSimulator } from '../cii/server.ts';
import { readBody } from '../slack/decode-request.ts';
import type { FakeSlack } from '../slack/fake-slack.ts';

/**
 * A stand-in for the real app, to look at the console and test it: a real Bolt app (so signatures are really
 * verified) that answers `/cii` with a card, posts a card per CII webhook, and uses updates, threads,
 * ephemeral answers, confirm dialogs and a modal.
 */
export interface ToyAppOptions {
  fake: FakeSlack;
  signingSecret: string;
  /** Only this user may Block; others get an ephemeral refusal. */
  responder: string;
  /** Where webhook alerts are posted; default #sec-alerts. */
  alertChannel?: string;
  /** The header CII puts the webhook key in; default x-api-client-token. */
  apiKeyName?: string;
  apiKey?: string;
}

export interface ToyApp {
  url: string;
  /** What CII should deliver to. */
  webhookUrl: string;
  apiKeyName: string;
  apiKey: string;
  stop(): Promise<void>;
}

const text = (t: string) => ({ type: 'plain_text' as const, text: t });
const md = (t: string) => ({ type: 'mrkdwn' as const, text: t });

/** Escapes what Slack's mrkdwn treats as control characters. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function alertBlocks(title: string, severity: string, login: string, id: string): KnownBlock[] {
  return [
    { type: 'header', text: text(`🚨 ${title}`) },
    { type: 'section', fields: [md(`*Severity*\n${esc(severity)}`), md(`*User*\n\`${esc(login)}\``)] },
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'open_in_cii', text: text('Open in CII'), url: 'https://cii.example.com/users' },
        { type: 'button', action_id: 'approve', style: 'primary', text: text('Approve'), value: id },
        {
          type: 'button',
          action_id: 'block',
          style: 'danger',
          text: text('Block'),
          value: id,
          confirm: {
            title: text(`Block ${login}?`),
            text: text('This disables the user in Duo.'),
            confirm: text('Block'),
            deny: text('Cancel'),
            style: 'danger',
          },
        },
        { type: 'button', action_id: 'note', text: text('Add note'), value: id },
      ],
    },
    { type: 'context', elements: [md(`Alert \`${id}\` · from the CII simulator`)] },
  ];
}

interface Envelope {
  detail?: { title?: string; severity?: string; usersFailing?: string[]; login?: string; id?: string };
}

export async function startToyApp(opts: ToyAppOptions): Promise<ToyApp> {
  const alertChannel = opts.alertChannel ?? 'C0SECALERT';
  const apiKeyName = opts.apiKeyName ?? 'x-api-client-token';
  const apiKey = opts.apiKey ?? 'toy-webhook-key';
  async function onWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, 1024 * 1024);
    if (req.headers[apiKeyName] !== apiKey) {
      res.writeHead(401).end();
      return;
    }
    const { detail = {} } = JSON.parse(body) as Envelope;
    const logins = detail.login !== undefined ? [detail.login] : (detail.usersFailing ?? []);
    for (const login of logins) {
      const id = `${detail.id ?? 'finding'}:${login}`;
      await app.client.chat.postMessage({
        channel: alertChannel,
        text: `CII alert: ${detail.title ?? 'check'} — ${login}`,
        blocks: alertBlocks(detail.title ?? 'check', detail.severity ?? 'unknown', login, id),
      });
    }
    res.writeHead(202).end();
  }

  const app = new App({
    token: opts.fake.botToken,
    signingSecret: opts.signingSecret,
    logger: silentLogger,
    clientOptions: { slackApiUrl: opts.fake.apiUrl, retryConfig: { retries: 0 } },
    customRoutes: [
      {
        path: '/cii/webhook',
        method: ['POST'],
        handler: (req, res) => {
          onWebhook(req, res).catch(() => res.writeHead(500).end());
        },
      },
    ],
  });

  app.command('/cii', async ({ ack, command }) => {
    const arg = command.text.trim() || 'help';
    await ack({
      response_type: 'ephemeral',
      text: `Lookup: ${arg}`,
      blocks: [
        {
          type: 'section',
          text: md(
            `*Lookup* for <@${command.user_id}>: \`${esc(arg)}\`\n_Nothing real here: this is the console's toy app._`,
          ),
        },
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'share', text: text('Share in channel'), value: arg }],
        },
      ],
    });
  });

  app.action<BlockAction<ButtonAction>>('share', async ({ ack, respond, action, body }) => {
    await ack();
    await respond({ response_type: 'in_channel', text: `<@${body.user.id}> looked up \`${esc(action.value ?? '')}\`` });
    await respond({ delete_original: true });
  });

  app.action('open_in_cii', async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(/^(approve|block)$/, async ({ ack, respond, action, body, client }) => {
    await ack();
    if (action.action_id === 'block' && body.user.id !== opts.responder) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'Only responders may block users.' });
      return;
    }
    const verb = action.action_id === 'block' ? 'Blocked' : 'Approved';
    const channel = body.channel?.id ?? alertChannel;
    const ts = body.message?.ts ?? '';
    await client.chat.update({
      channel,
      ts,
      text: `${verb} by ${body.user.id}`,
      blocks: [
        ...((body.message?.blocks as KnownBlock[] | undefined) ?? []).filter((b) => b.type !== 'actions'),
        {
          type: 'context',
          elements: [md(`${action.action_id === 'block' ? '⛔' : '✅'} *${verb}* by <@${body.user.id}>`)],
        },
      ],
    });
    await client.chat.postMessage({ channel, thread_ts: ts, text: `${verb} by <@${body.user.id}>.` });
  });

  app.action<BlockAction<ButtonAction>>('note', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'note',
        private_metadata: JSON.stringify({ channel: body.channel?.id, ts: body.message?.ts }),
        title: text('Add a note'),
        submit: text('Save'),
        close: text('Cancel'),
        blocks: [
          {
            type: 'input',
            block_id: 'note',
            label: text('Note'),
            element: { type: 'plain_text_input', action_id: 'text', multiline: true },
          },
        ],
      },
    });
  });

  app.view('note', async ({ ack, view, body, client }) => {
    const note = view.state.values.note?.text?.value ?? '';
    if (note.trim().length < 3) {
      await ack({ response_action: 'errors', errors: { note: 'Write at least 3 characters.' } });
      return;
    }
    await ack();
    const where = JSON.parse(view.private_metadata) as { channel: string; ts: string };
    await client.chat.postMessage({
      channel: where.channel,
      thread_ts: where.ts,
      text: `<@${body.user.id}> noted: ${esc(note)}`,
    });
  });

  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    webhookUrl: `${url}/cii/webhook`,
    apiKeyName,
    apiKey,
    stop: async () => {
      await app.stop();
    },
  };
}

/** Registers the toy app's webhook for these checks with the CII simulator, as the real app does at start-up. */
export async function registerToyWebhook(cii: CiiSimulator, toy: ToyApp, checkIds: string[]): Promise<void> {
  const { clientId, clientSecret, audience } = cii.credentials;
  const tokenAnswer = await fetch(cii.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: clientId,
      client_secret: clientSecret,
      audience,
      grant_type: 'client_credentials',
    }),
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const query = 'mutation($input: RegisterWebhookWithApiKey!) { registerWebhookWithApiKey(input: $input) }';
  const input = { name: 'toy-app', endpoint: toy.webhookUrl, apiKeyName: toy.apiKeyName, apiKey: toy.apiKey, checkIds };
  const answer = await fetch(cii.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables: { input } }),
  });
  if (!answer.ok) throw new Error(`webhook registration failed: HTTP ${answer.status}`);
}
