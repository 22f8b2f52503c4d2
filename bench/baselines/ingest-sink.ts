// The bare baseline of bench/ingest.ts: node:http and node:sqlite, no framework, no validation beyond what storing
// needs. It writes what the app writes for one CII webhook (the event id, one alert per user, the cards of the
// subscribed channels, a summary with its thread above the grouping threshold) into the app's own schema, in one
// transaction, and answers 202. Started by the bench as a child process, as the app is.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import { migrations } from '../../src/store/migrations.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const db = new DatabaseSync(env('SINK_DB_PATH'));
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON');
for (const migration of migrations('sqlite')) db.exec(migration.sql);
const channels = (process.env.SINK_CHANNELS ?? '').split(',').filter((c) => c !== '');
const groupThreshold = Number(env('SINK_GROUP_THRESHOLD'));
const headerName = env('CII_WEBHOOK_HEADER').toLowerCase();
const secretDigest = createHash('sha256').update(env('CII_WEBHOOK_SECRET')).digest();

const seen = db.prepare('INSERT INTO seen_events (id, received_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
const alert = db.prepare(`INSERT INTO alerts (id, finding_id, envelope_id, check_id, title, severity, severity_label,
  login, description, recommended_actions, published, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (finding_id, login) DO NOTHING`);
const card = db.prepare(`INSERT INTO deliveries (kind, alert_id, finding_id, channel_id, parent_id, next_attempt_at,
  created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);

interface Detail {
  id: string;
  checkId: string;
  title: string;
  severity: string;
  description: string[];
  recommendedActions: string[];
  published: string;
  usersFailing?: string[];
  login?: string;
}

function store(envelope: { id: string; detail: Detail }): void {
  const { detail } = envelope;
  const now = Date.now();
  const logins = [...new Set([...(detail.usersFailing ?? []), ...(detail.login ? [detail.login] : [])])];
  db.exec('BEGIN IMMEDIATE');
  try {
    if (Number(seen.run(envelope.id, now).changes) === 0) {
      db.exec('COMMIT');
      return;
    }
    const description = JSON.stringify(detail.description);
    const actions = JSON.stringify(detail.recommendedActions);
    const ids: string[] = [];
    for (const login of logins) {
      const id = randomUUID();
      const inserted = alert.run(
        id,
        detail.id,
        envelope.id,
        detail.checkId,
        detail.title,
        detail.severity,
        detail.severity,
        login,
        description,
        actions,
        detail.published,
        now,
      );
      if (Number(inserted.changes) > 0) ids.push(id);
    }
    for (const channel of ids.length > 0 ? channels : []) {
      let parent: number | null = null;
      if (ids.length > groupThreshold) {
        parent = Number((card.get('summary', null, detail.id, channel, null, now, now, now) as { id: number }).id);
      }
      for (const id of ids) card.get('alert', id, detail.id, channel, parent, now, now, now);
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === '/healthz') return answer(res, 200, { ok: true });
  if (req.method !== 'POST' || req.url !== '/cii/webhook') return answer(res, 404, { error: 'not_found' });
  const given = req.headers[headerName];
  const digest = createHash('sha256')
    .update(typeof given === 'string' ? given : '')
    .digest();
  if (!timingSafeEqual(digest, secretDigest)) return answer(res, 401, { error: 'unauthorized' });
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const envelope = JSON.parse(Buffer.concat(parts).toString('utf8')) as { id: string; detail: Detail };
  store(envelope);
  answer(res, 202, { accepted: true });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => answer(res, 500, { error: 'internal_error' }));
});
server.listen(Number(env('PORT')), env('HOST'));
process.once('SIGTERM', () => server.close(() => db.close()));
