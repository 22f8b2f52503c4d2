import { DatabaseSync } from 'node:sqlite';
import { createCiiClient } from '../../src/cii/client.ts';
import type { CiiSimulator } from '../../sim/cii/server.ts';
import type { Stack } from './stack.ts';
import { WEBHOOK_SECRET } from './stack.ts';

/** Registers the stack's app as a webhook target of the CII simulator, as `npm run cii:webhook register` does. */
export function registerAppWebhook(stack: Stack, checkIds: string[]): Promise<string> {
  return registerWebhookAt(stack.cii, stack.app.url, checkIds, 'e2e');
}

/** Registers an app at `appUrl` (one started as a child process, say) as a webhook target of the CII simulator. */
export async function registerWebhookAt(
  sim: CiiSimulator,
  appUrl: string,
  checkIds: string[],
  name: string,
): Promise<string> {
  const cii = createCiiClient({
    tokenUrl: sim.tokenUrl,
    apiUrl: sim.apiUrl,
    clientId: sim.credentials.clientId,
    clientSecret: sim.credentials.clientSecret,
  });
  return cii.registerWebhookWithApiKey({
    name,
    endpoint: `${appUrl}/cii/webhook`,
    apiKeyName: 'x-api-client-token',
    apiKey: WEBHOOK_SECRET,
    checkIds,
  });
}

/** Posts a raw body to the app's webhook as CII would (or would not). */
export async function postWebhook(
  stack: Stack,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-client-token': WEBHOOK_SECRET },
): Promise<Response> {
  return fetch(`${stack.app.url}/cii/webhook`, { method: 'POST', headers, body });
}

/** Counts rows in the app's SQLite file, read-only, to prove what was (not) stored. */
export function countRows(databaseUrl: string | undefined, table: 'alerts' | 'deliveries' | 'seen_events'): number {
  const path = String(databaseUrl).replace(/^sqlite:/, '');
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}
