import { parseArgs } from 'node:util';
import type { CiiClient } from '../cii/client.ts';
import type { SettingsStore } from '../store/types.ts';

export const WEBHOOK_CLI_USAGE = `Usage:
  npm run cii:webhook -- register --url <public https url> --checks <check-id,...> [--name <name>]
  npm run cii:webhook -- list
  npm run cii:webhook -- unregister <id>`;

export interface WebhookCliDeps {
  cii: Pick<CiiClient, 'registerWebhookWithApiKey' | 'unregisterWebhook'>;
  store: Pick<SettingsStore, 'saveRegistration' | 'listRegistrations' | 'deleteRegistration'>;
  webhook: { secret?: string; headerName: string };
  out: (line: string) => void;
  now?: () => number;
}

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Registers this app's `/cii/webhook` with CII, lists and removes registrations. Returns the exit code. */
export async function runWebhookCli(argv: string[], deps: WebhookCliDeps): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'register':
      return register(rest, deps);
    case 'list':
      return list(deps);
    case 'unregister':
      return unregister(rest, deps);
    default:
      throw new CliUsageError(command ? `Unknown command "${command}".` : 'No command given.');
  }
}

function endpointOf(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliUsageError(`--url "${raw}" is not a URL.`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new CliUsageError('--url must be https (CII sends the shared secret with every delivery).');
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/cii/webhook';
  return url.toString();
}

async function register(args: string[], deps: WebhookCliDeps): Promise<number> {
  const values = parseOptions(args);
  if (!values.url) throw new CliUsageError('register needs --url.');
  const checkIds = (values.checks ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (checkIds.length === 0)
    throw new CliUsageError('register needs --checks with at least one check id (e.g. no-mfa).');
  if (!deps.webhook.secret)
    throw new CliUsageError('Set CII_WEBHOOK_SECRET first: CII will send it with every delivery.');
  const endpoint = endpointOf(values.url);
  const name = values.name ?? 'cii-slack';
  const id = await deps.cii.registerWebhookWithApiKey({
    name,
    endpoint,
    apiKeyName: deps.webhook.headerName,
    apiKey: deps.webhook.secret,
    checkIds,
  });
  await deps.store.saveRegistration({ id, name, endpoint, checkIds, createdAt: (deps.now ?? Date.now)() });
  deps.out(`Registered ${endpoint} for ${checkIds.join(', ')} as ${id}`);
  return 0;
}

function parseOptions(args: string[]): { url?: string; checks?: string; name?: string } {
  try {
    return parseArgs({
      args,
      options: { url: { type: 'string' }, checks: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    }).values;
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
}

async function list(deps: WebhookCliDeps): Promise<number> {
  const registrations = await deps.store.listRegistrations();
  if (registrations.length === 0) deps.out('No webhook registered from this app (CII has no API to list them).');
  for (const r of registrations) {
    deps.out(
      `${r.id}  ${r.endpoint}  checks: ${r.checkIds.join(',')}  name: ${r.name}  registered: ${new Date(r.createdAt).toISOString()}`,
    );
  }
  return 0;
}

async function unregister(args: string[], deps: WebhookCliDeps): Promise<number> {
  const [id, ...extra] = args;
  if (!id || extra.length > 0) throw new CliUsageError('unregister needs exactly one registration id (see list).');
  const known = await deps.cii.unregisterWebhook(id);
  const removed = await deps.store.deleteRegistration(id);
  if (known) deps.out(`Unregistered ${id} in CII${removed ? '' : ' (it was not in the local list)'}`);
  else deps.out(`CII has no webhook ${id}${removed ? '; removed it from the local list' : ''}`);
  return known || removed ? 0 : 1;
}
