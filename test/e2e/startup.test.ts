import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const main = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('start-up', () => {
  test('without configuration exits 1 with one message naming every missing variable', () => {
    const run = start({});
    expect(run.status).toBe(1);
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'CII_CLIENT_ID',
      'CII_CLIENT_SECRET',
      'CII_TOKEN_URL',
      'CII_API_URL',
    ]) {
      expect(run.stderr).toContain(name);
    }
    expect(run.stderr.match(/Invalid configuration/g)).toHaveLength(1);
  });

  test('with invalid values exits 1 without echoing any secret', () => {
    const run = start({
      SLACK_BOT_TOKEN: 'secret-bot-token-value',
      SLACK_SIGNING_SECRET: 'secret-signing-value',
      CII_CLIENT_ID: 'id',
      CII_CLIENT_SECRET: 'secret-client-value',
      CII_REGION: 'moon',
      CII_WEBHOOK_SECRET: 'short-secret',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(run.stderr).toContain('CII_REGION must be one of');
    expect(run.stderr).toContain('CII_WEBHOOK_SECRET must be at least 16 characters');
    expect(run.stderr).not.toMatch(/secret-bot-token-value|secret-signing-value|secret-client-value|short-secret/);
  });
});
