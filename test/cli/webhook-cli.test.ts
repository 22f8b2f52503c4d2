import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createCiiClient } from '../../src/cii/client.ts';
import { CliUsageError, runWebhookCli, type WebhookCliDeps } from '../../src/cli/webhook-cli.ts';
import { silentLogger } from '../../src/logger.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/types.ts';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';

describe('npm run cii:webhook', () => {
  let sim: CiiSimulator;
  let store: Store;
  let out: string[];
  let deps: WebhookCliDeps;

  beforeAll(async () => {
    sim = await startCiiSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    store = openSqliteStore(':memory:', { logger: silentLogger });
    out = [];
    const cii = createCiiClient({
      tokenUrl: sim.tokenUrl,
      apiUrl: sim.apiUrl,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
    });
    deps = {
      cii,
      store,
      webhook: { secret: 'webhook-secret-0123456789', headerName: 'x-api-client-token' },
      out: (l) => out.push(l),
    };
  });

  test('register sends the header name and secret to CII and stores the returned id', async () => {
    expect(
      await runWebhookCli(
        ['register', '--url', 'https://cii-slack.example.com', '--checks', 'no-mfa, impossible-travel'],
        deps,
      ),
    ).toBe(0);
    const [registered] = sim.webhooks();
    expect(registered).toMatchObject({
      endpoint: 'https://cii-slack.example.com/cii/webhook',
      apiKeyName: 'x-api-client-token',
      apiKey: 'webhook-secret-0123456789',
      checkIds: ['no-mfa', 'impossible-travel'],
    });
    expect(await store.listRegistrations()).toMatchObject([
      { id: registered!.id, checkIds: ['no-mfa', 'impossible-travel'] },
    ]);
    expect(out.join('\n')).toContain(registered!.id);
    expect(out.join('\n')).not.toContain('webhook-secret');
  });

  test('list shows the stored registrations and unregister removes one in CII and locally', async () => {
    await runWebhookCli(['register', '--url', 'https://hooks.example.com/cii/webhook', '--checks', 'no-mfa'], deps);
    const id = sim.webhooks().at(-1)!.id;
    out.length = 0;
    await runWebhookCli(['list'], deps);
    expect(out.join('\n')).toContain(id);
    expect(await runWebhookCli(['unregister', id], deps)).toBe(0);
    expect(sim.webhooks().some((w) => w.id === id)).toBe(false);
    expect(await store.listRegistrations()).toEqual([]);
    expect(await runWebhookCli(['unregister', id], deps)).toBe(1);
  });

  test.each([
    [['register', '--url', 'http://hooks.example.com', '--checks', 'no-mfa'], /https/],
    [['register', '--url', 'https://hooks.example.com'], /--checks/],
    [['register', '--checks', 'no-mfa'], /--url/],
    [['register', '--url', 'https://h.example.com', '--checks', 'no-mfa', '--bogus'], /bogus/],
    [['deregister', 'x'], /Unknown command/],
    [['unregister'], /exactly one/],
  ])('rejects %j with a usage error and registers nothing', async (argv, message) => {
    const before = sim.webhooks().length;
    await expect(runWebhookCli(argv, deps)).rejects.toThrow(CliUsageError);
    await expect(runWebhookCli(argv, deps)).rejects.toThrow(message);
    expect(sim.webhooks()).toHaveLength(before);
  });

  test('refuses to register without CII_WEBHOOK_SECRET', async () => {
    await expect(
      runWebhookCli(['register', '--url', 'https://h.example.com', '--checks', 'no-mfa'], {
        ...deps,
        webhook: { headerName: 'x-api-client-token' },
      }),
    ).rejects.toThrow(/CII_WEBHOOK_SECRET/);
  });
});
