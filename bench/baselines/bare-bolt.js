// The bare baseline of bench/lookup.ts: a Bolt 5 app as its README writes one, in plain JavaScript, with nothing
// of the project's. `/cii user <login>` makes the same two CII calls as the app (the GraphQL documents the bench
// passes in CII_QUERY_USER and CII_QUERY_STATE, in parallel, with the token fetched once at start, over node:http
// with keep-alive) and acknowledges with an ephemeral card of BARE_CARD_BYTES bytes of JSON (the size of the app's
// card, measured by the bench). So the bare app waits for the same upstream and answers as much as the app does:
// what the app costs beyond it is its own.
import { Agent, request } from 'node:http';
import bolt from '@slack/bolt';

/** @param {string} name */
const env = (name) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const cardBytes = Number(env('BARE_CARD_BYTES'));
const apiUrl = new URL(env('CII_API_URL'));
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

async function fetchToken() {
  const res = await fetch(env('CII_TOKEN_URL'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: env('CII_CLIENT_ID'),
      client_secret: env('CII_CLIENT_SECRET'),
      grant_type: 'client_credentials',
    }),
  });
  if (!res.ok) throw new Error(`token request answered HTTP ${res.status}`);
  const answer = /** @type {{ access_token: string }} */ (await res.json());
  return answer.access_token;
}
const token = await fetchToken();

/**
 * One GraphQL POST; resolves to `data[field]`.
 * @param {string} query @param {string} login @param {string} field
 * @returns {Promise<Record<string, any>>}
 */
function graphql(query, login, field) {
  const body = JSON.stringify({ query, variables: { login } });
  return new Promise((resolve, reject) => {
    const req = request(
      apiUrl,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        /** @type {Buffer[]} */
        const parts = [];
        res.on('data', (part) => parts.push(part));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(parts).toString('utf8')).data[field]);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A card naming the user, with the answer's fields, padded with a context block to `cardBytes` of JSON.
 * @param {Record<string, any>} user @param {Record<string, any>} state
 */
function card(user, state) {
  const details = user.endUserDetails;
  const name = String(details.displayName);
  const fields = ['login', 'department', 'title', 'status'].map((k) => ({
    type: 'mrkdwn',
    text: `*${k}*\n${String(details[k] ?? state[k] ?? '-')}`,
  }));
  /** @type {{ response_type: 'ephemeral', text: string, blocks: any[] }} */
  const message = {
    response_type: 'ephemeral',
    text: `${name} in Cisco Identity Intelligence`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: name } },
      { type: 'section', fields },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '' }] },
    ],
  };
  const missing = cardBytes - JSON.stringify(message).length;
  message.blocks[2] = { type: 'context', elements: [{ type: 'mrkdwn', text: 'x'.repeat(Math.max(0, missing)) }] };
  return message;
}

const app = new bolt.App({
  token: env('SLACK_BOT_TOKEN'),
  signingSecret: env('SLACK_SIGNING_SECRET'),
  clientOptions: { slackApiUrl: env('SLACK_API_URL') },
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    },
  ],
});

app.command('/cii', async ({ command, ack }) => {
  const login = command.text.replace(/^user\s+/, '').trim();
  const [user, state] = await Promise.all([
    graphql(env('CII_QUERY_USER'), login, 'getEndUser'),
    graphql(env('CII_QUERY_STATE'), login, 'getEndUserState'),
  ]);
  await ack(card(user, state));
});

await app.start({ port: Number(env('PORT')), host: env('HOST') });
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
