import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';

const minimal = {
  SLACK_BOT_TOKEN: 'xoxb-1-abc',
  SLACK_SIGNING_SECRET: 'signing-secret-value',
  CII_CLIENT_ID: 'client-id',
  CII_CLIENT_SECRET: 'client-secret-value',
  CII_TOKEN_URL: 'https://login.example.test/oauth/token',
  CII_API_URL: 'https://api.example.test/graphql',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration', () => {
  test('an empty environment names every missing variable in one error', () => {
    const problems = problemsOf({});
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'CII_CLIENT_ID',
      'CII_CLIENT_SECRET',
      'CII_TOKEN_URL',
      'CII_API_URL',
    ]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  test('never echoes a secret value in its messages', () => {
    const err = (() => {
      try {
        loadConfig({
          ...minimal,
          SLACK_BOT_TOKEN: 'not-a-bot-token-SECRET1',
          CII_WEBHOOK_SECRET: 'shortSECRET2',
          PORT: 'x',
        });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected rejection');
    })();
    expect(err.message).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(err.message).toContain('CII_WEBHOOK_SECRET must be at least 16 characters');
    expect(err.message).toContain('PORT must be a whole number');
    expect(err.message).not.toMatch(/SECRET1|SECRET2/);
  });

  test('applies the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(config.cii.lookupCacheTtlSeconds).toBe(60);
    expect(config.webhook.headerName).toBe('x-api-client-token');
    expect(config.alerts.groupThreshold).toBe(5);
    expect(config.logLevel).toBe('info');
    expect(config.logFormat).toBe('json');
    expect(config.cii.audience).toBeUndefined();
  });

  test('a region preset fills only the URLs that were not given', () => {
    const config = loadConfig({ ...minimal, CII_API_URL: '', CII_REGION: 'EU' });
    expect(config.cii.apiUrl).toBe('https://api.eu.oort.io/graphql');
    expect(config.cii.tokenUrl).toBe(minimal.CII_TOKEN_URL);
    expect(config.cii.presetUrls).toEqual(['apiUrl']);
  });

  test('Socket Mode needs an app token instead of the signing secret', () => {
    const config = loadConfig({ ...minimal, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(config.slack.appToken).toBe('xapp-1-abc');
    expect(problemsOf({ ...minimal, SLACK_APP_TOKEN: 'xoxb-wrong' })).toEqual([
      'SLACK_APP_TOKEN must start with xapp-',
    ]);
  });

  test('rejects an unknown region and a malformed admin list, naming the entry', () => {
    const problems = problemsOf({ ...minimal, CII_REGION: 'mars', CII_ADMINS: 'U0123ABC, nobody' });
    expect(problems).toContain('CII_REGION must be one of us, eu, au');
    expect(problems.some((p) => p.startsWith('CII_ADMINS (entry 2)'))).toBe(true);
  });

  test('reads CII_PRIVILEGED_GROUPS as a case-insensitive pattern and names a broken one', () => {
    expect(loadConfig(minimal).alerts.privilegedGroups).toBeUndefined();
    const pattern = loadConfig({ ...minimal, CII_PRIVILEGED_GROUPS: 'admins?|approvers' }).alerts.privilegedGroups;
    expect(['Domain Admins', 'Expense APPROVERS', 'Readers'].filter((g) => pattern?.test(g))).toEqual([
      'Domain Admins',
      'Expense APPROVERS',
    ]);
    const problems = problemsOf({ ...minimal, CII_PRIVILEGED_GROUPS: 'admin(' });
    expect(problems.some((p) => p.startsWith('CII_PRIVILEGED_GROUPS must be a regular expression'))).toBe(true);
  });

  test('normalizes the Slack API URL to end with a slash', () => {
    expect(loadConfig({ ...minimal, SLACK_API_URL: 'http://127.0.0.1:9/api' }).slack.apiUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
  });
});

describe('identity-provider configuration', () => {
  test('configures a provider only when all of its variables are set', () => {
    const config = loadConfig({ ...minimal, OKTA_ORG_URL: 'https://example.okta.com', OKTA_API_TOKEN: 'okta-token' });
    expect(config.identityProviders).toEqual({ okta: { orgUrl: 'https://example.okta.com', apiToken: 'okta-token' } });
    expect(loadConfig(minimal).identityProviders).toEqual({});
  });

  test('names the missing half of a provider configuration', () => {
    const problems = problemsOf({
      ...minimal,
      DUO_API_URL: 'https://api-1.duosecurity.com',
      DUO_IKEY: 'DIXXXXXXXXXXXXXXXXXX',
    });
    expect(problems).toEqual(['DUO_SKEY is required to configure Duo (DUO_API_URL, DUO_IKEY given)']);
  });

  test('responders are deny-by-default: none unless listed', () => {
    expect(loadConfig(minimal).responders).toEqual([]);
    expect(loadConfig({ ...minimal, CII_RESPONDERS: 'U0RESP1 S0TEAM' }).responders).toEqual(['U0RESP1', 'S0TEAM']);
  });
});

describe('secrets from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cii-secrets-'));
  const secretFile = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const withoutSecrets = { ...minimal, SLACK_BOT_TOKEN: undefined, CII_CLIENT_SECRET: undefined };

  test('reads each secret from the file <NAME>_FILE names, trimmed', () => {
    const config = loadConfig({
      ...withoutSecrets,
      SLACK_BOT_TOKEN_FILE: secretFile('bot', 'xoxb-from-file\n'),
      CII_CLIENT_SECRET_FILE: secretFile('cii', '  cii-secret-from-file \n'),
      DATABASE_URL_FILE: secretFile('db', 'postgres://app:pw@db/cii\n'),
    });
    expect(config.slack.botToken).toBe('xoxb-from-file');
    expect(config.cii.clientSecret).toBe('cii-secret-from-file');
    expect(config.databaseUrl).toBe('postgres://app:pw@db/cii');
  });

  test('a signing secret from a file satisfies the rule that HTTP mode needs one', () => {
    const config = loadConfig({
      ...minimal,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_SIGNING_SECRET_FILE: secretFile('signing', 'signing-from-file'),
    });
    expect(config.slack.signingSecret).toBe('signing-from-file');
  });

  test('rejects a secret given both ways, and names both variables', () => {
    expect(problemsOf({ ...minimal, SLACK_BOT_TOKEN_FILE: secretFile('bot2', 'xoxb-other') })).toEqual([
      'SLACK_BOT_TOKEN and SLACK_BOT_TOKEN_FILE are both set: set only one',
    ]);
  });

  test('names the path of a missing file, once, and never the content of a file it read', () => {
    const missing = join(dir, 'nope');
    const problems = problemsOf({
      ...withoutSecrets,
      SLACK_BOT_TOKEN_FILE: missing,
      CII_CLIENT_SECRET_FILE: secretFile('bad', 'SECRET3'),
      CII_WEBHOOK_SECRET_FILE: secretFile('short', 'shortSECRET4\n'),
    });
    expect(problems).toEqual([
      `SLACK_BOT_TOKEN_FILE names ${missing}, which cannot be read (no such file)`,
      `CII_WEBHOOK_SECRET (read from ${join(dir, 'short')}) must be at least 16 characters`,
    ]);
    expect(problems.join('\n')).not.toMatch(/SECRET3|SECRET4/);
  });

  test('an empty secret file counts as the variable not set', () => {
    const problems = problemsOf({ ...withoutSecrets, SLACK_BOT_TOKEN_FILE: secretFile('empty', '\n') });
    expect(problems.some((p) => p.startsWith('SLACK_BOT_TOKEN (read from') && p.includes('is required'))).toBe(true);
  });
});

describe('CII "Copy all" credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cii-copy-all-'));
  const slack = { SLACK_BOT_TOKEN: 'xoxb-1-abc', SLACK_SIGNING_SECRET: 'signing-secret-value' };
  const copyAll = {
    clientId: 'copied-client-id',
    clientSecret: 'copied-SECRET-value',
    tokenUrl: 'https://login.oort.io/oauth/token',
    apiUrl: 'https://api.eu.oort.io/v1/graphql',
    audience: 'https://api.oort.io',
  };

  test('CII_CREDENTIALS alone fills client id, secret, token URL, API URL and audience', () => {
    const config = loadConfig({ ...slack, CII_CREDENTIALS: JSON.stringify(copyAll) });
    expect(config.cii).toMatchObject({
      clientId: 'copied-client-id',
      clientSecret: 'copied-SECRET-value',
      tokenUrl: copyAll.tokenUrl,
      apiUrl: copyAll.apiUrl,
      audience: copyAll.audience,
      presetUrls: [],
      urlSources: { tokenUrl: 'CII_CREDENTIALS', apiUrl: 'CII_CREDENTIALS' },
    });
  });

  test('CII_CREDENTIALS_FILE reads the same object from a file', () => {
    const path = join(dir, 'cii.json');
    writeFileSync(path, `${JSON.stringify(copyAll, null, 2)}\n`);
    const config = loadConfig({ ...slack, CII_CREDENTIALS_FILE: path });
    expect(config.cii.clientSecret).toBe('copied-SECRET-value');
    expect(config.cii.urlSources).toEqual({ tokenUrl: 'CII_CREDENTIALS_FILE', apiUrl: 'CII_CREDENTIALS_FILE' });
  });

  test.each([
    ['snake_case', { client_id: 'a', client_secret: 'b', token_url: 'https://t.test/x', api_url: 'https://a.test/y' }],
    ['PascalCase', { ClientId: 'a', ClientSecret: 'b', TokenURL: 'https://t.test/x', ApiURL: 'https://a.test/y' }],
    [
      'kebab-case',
      { 'client-id': 'a', 'client-secret': 'b', 'token-url': 'https://t.test/x', 'api-url': 'https://a.test/y' },
    ],
  ])('accepts %s keys and ignores keys it does not know', (_spelling, object) => {
    const config = loadConfig({ ...slack, CII_CREDENTIALS: JSON.stringify({ ...object, name: 'Slack bot' }) });
    expect(config.cii).toMatchObject({ clientId: 'a', clientSecret: 'b', tokenUrl: 'https://t.test/x' });
    expect(config.cii.audience).toBeUndefined();
  });

  test('explicit variables win over the object, and say so in the URL sources', () => {
    const config = loadConfig({
      ...slack,
      CII_CREDENTIALS: JSON.stringify(copyAll),
      CII_CLIENT_SECRET: 'explicit-secret',
      CII_API_URL: 'https://api.example.test/graphql',
    });
    expect(config.cii.clientSecret).toBe('explicit-secret');
    expect(config.cii.clientId).toBe('copied-client-id');
    expect(config.cii.apiUrl).toBe('https://api.example.test/graphql');
    expect(config.cii.urlSources).toEqual({ tokenUrl: 'CII_CREDENTIALS', apiUrl: 'CII_API_URL' });
  });

  test('names a missing key, and a malformed one, without echoing any value', () => {
    const { clientSecret: _omitted, ...withoutSecret } = copyAll;
    const problems = problemsOf({
      ...slack,
      CII_CREDENTIALS: JSON.stringify({ ...withoutSecret, tokenUrl: 'login.oort.io/SECRET3', clientId: 42 }),
    });
    expect(problems).toContain('CII_CREDENTIALS tokenUrl must be an http(s) URL');
    expect(problems).toContain('CII_CREDENTIALS clientId must be a non-empty string');
    expect(problems).toContain(
      'CII_CLIENT_SECRET is required (the CII API client secret); CII_CREDENTIALS has no clientSecret',
    );
    expect(problems.join('\n')).not.toMatch(/SECRET3|copied/);
  });

  test('a region preset still fills a URL the object lacks', () => {
    const { apiUrl: _omitted, ...withoutApi } = copyAll;
    const config = loadConfig({ ...slack, CII_CREDENTIALS: JSON.stringify(withoutApi), CII_REGION: 'au' });
    expect(config.cii.apiUrl).toBe('https://api.au.oort.io/graphql');
    expect(config.cii.urlSources).toEqual({ tokenUrl: 'CII_CREDENTIALS', apiUrl: 'CII_REGION preset (au)' });
    expect(problemsOf({ ...slack, CII_CREDENTIALS: JSON.stringify(withoutApi) })).toEqual([
      'CII_API_URL is required unless CII_REGION (us, eu, au) is set; CII_CREDENTIALS has no apiUrl',
    ]);
  });

  test.each([
    ['text that is not JSON', '{"clientId": "x", "clientSecret": "SECRET4"', /^CII_CREDENTIALS is not valid JSON/],
    ['a JSON array', '["SECRET4"]', /^CII_CREDENTIALS must be a JSON object/],
  ])('refuses %s without quoting it', (_what, text, expected) => {
    const problems = problemsOf({ ...slack, CII_CREDENTIALS: text });
    expect(problems[0]).toMatch(expected);
    expect(problems.join('\n')).not.toContain('SECRET4');
  });

  test('an unreadable file is one problem; so are both sources at once and one key given twice', () => {
    const missing = join(dir, 'nope.json');
    expect(problemsOf({ ...slack, CII_CREDENTIALS_FILE: missing })).toEqual([
      `CII_CREDENTIALS_FILE names ${missing}, which cannot be read (no such file)`,
    ]);
    expect(problemsOf({ ...slack, CII_CREDENTIALS: JSON.stringify(copyAll), CII_CREDENTIALS_FILE: missing })).toContain(
      'CII_CREDENTIALS and CII_CREDENTIALS_FILE are both set: set only one',
    );
    expect(
      problemsOf({ ...slack, CII_CREDENTIALS: JSON.stringify({ ...copyAll, client_secret: 'other-SECRET5' }) }),
    ).toEqual(['CII_CREDENTIALS has clientSecret twice (clientSecret and client_secret): keep one']);
  });
});

describe('"was this you?" settings', () => {
  test('are off by default: no check asks, no policy acts', () => {
    expect(loadConfig(minimal).verify).toEqual({
      checks: [],
      groupWindowMs: 60_000,
      maxPerHour: 3,
      timeoutMinutes: 30,
      onDeny: 'none',
      onConfirm: 'none',
    });
  });

  test('read the checks, the window, the limits, the escalation group and the policies', () => {
    const verify = loadConfig({
      ...minimal,
      CII_VERIFY_CHECKS: 'impossible-travel, registered-location-mismatch impossible-travel',
      CII_VERIFY_GROUP_SECONDS: '10',
      CII_VERIFY_MAX_PER_HOUR: '2',
      CII_VERIFY_TIMEOUT_MINUTES: '15',
      CII_ESCALATION_MENTION: '<!subteam^S0SEC>',
      CII_VERIFY_ON_DENY: 'Block',
      CII_VERIFY_ON_CONFIRM: 'approve',
    }).verify;
    expect(verify).toEqual({
      checks: ['impossible-travel', 'registered-location-mismatch'],
      groupWindowMs: 10_000,
      maxPerHour: 2,
      timeoutMinutes: 15,
      escalationMention: 'S0SEC',
      onDeny: 'block',
      onConfirm: 'approve',
    });
  });

  test('a Duo Auth API application is configured by all three variables or none', () => {
    const duoAuth = {
      DUO_AUTH_API_URL: 'https://api-1.duosecurity.com',
      DUO_AUTH_IKEY: 'DIAUTH',
      DUO_AUTH_SKEY: 'secret',
    };
    expect(loadConfig({ ...minimal, ...duoAuth }).verify.duoAuth).toEqual({
      apiUrl: 'https://api-1.duosecurity.com',
      ikey: 'DIAUTH',
      skey: 'secret',
    });
    expect(problemsOf({ ...minimal, DUO_AUTH_IKEY: 'DIAUTH' })).toEqual([
      'DUO_AUTH_API_URL is required to configure the Duo Auth API (DUO_AUTH_IKEY given)',
      'DUO_AUTH_SKEY is required to configure the Duo Auth API (DUO_AUTH_IKEY given)',
    ]);
  });

  test('refuse bad values, naming each variable', () => {
    const problems = problemsOf({
      ...minimal,
      CII_VERIFY_CHECKS: 'Impossible Travel',
      CII_VERIFY_MAX_PER_HOUR: '0',
      CII_ESCALATION_MENTION: '@security',
      CII_VERIFY_ON_DENY: 'disable',
    });
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'CII_VERIFY_CHECKS',
      'CII_VERIFY_CHECKS',
      'CII_VERIFY_MAX_PER_HOUR',
      'CII_ESCALATION_MENTION',
      'CII_VERIFY_ON_DENY',
    ]);
  });
});

describe('CII_STEP_UP', () => {
  const duoAuth = {
    DUO_AUTH_API_URL: 'https://api-1.duosecurity.com',
    DUO_AUTH_IKEY: 'DIAUTH',
    DUO_AUTH_SKEY: 'secret',
  };

  test('is off by default, and duo (any case) with a Duo Auth API application turns it on', () => {
    expect(loadConfig(minimal).stepUp).toBe('off');
    expect(loadConfig({ ...minimal, ...duoAuth, CII_STEP_UP: 'Duo' }).stepUp).toBe('duo');
  });

  test('duo without the Duo Auth API application stops start-up saying what is missing', () => {
    expect(problemsOf({ ...minimal, CII_STEP_UP: 'duo' })).toEqual([
      'CII_STEP_UP=duo sends a Duo Push to the responder before Block, Unblock, Retry and Approve all open: it needs a Duo Auth API application (DUO_AUTH_API_URL, DUO_AUTH_IKEY, DUO_AUTH_SKEY)',
    ]);
    expect(problemsOf({ ...minimal, CII_STEP_UP: 'duo', DUO_AUTH_IKEY: 'DIAUTH' })).toEqual([
      'DUO_AUTH_API_URL is required to configure the Duo Auth API (DUO_AUTH_IKEY given)',
      'DUO_AUTH_SKEY is required to configure the Duo Auth API (DUO_AUTH_IKEY given)',
    ]);
  });

  test('any other value is refused', () => {
    expect(problemsOf({ ...minimal, ...duoAuth, CII_STEP_UP: 'push' })).toEqual(['CII_STEP_UP must be duo or off']);
  });
});

describe('CII_DEFAULT_EMAIL_DOMAIN', () => {
  test('is optional, and given as example.com or @Example.COM it is example.com', () => {
    expect(loadConfig(minimal).cii.defaultEmailDomain).toBeUndefined();
    expect(loadConfig({ ...minimal, CII_DEFAULT_EMAIL_DOMAIN: ' ' }).cii.defaultEmailDomain).toBeUndefined();
    expect(loadConfig({ ...minimal, CII_DEFAULT_EMAIL_DOMAIN: 'example.com' }).cii.defaultEmailDomain).toBe(
      'example.com',
    );
    expect(loadConfig({ ...minimal, CII_DEFAULT_EMAIL_DOMAIN: '@Example.COM' }).cii.defaultEmailDomain).toBe(
      'example.com',
    );
  });

  test('refuses what is not a domain name, saying what it must be', () => {
    for (const value of ['example', 'jane@example.com', 'exa mple.com', '-bad.example.com'])
      expect(problemsOf({ ...minimal, CII_DEFAULT_EMAIL_DOMAIN: value })).toEqual([
        'CII_DEFAULT_EMAIL_DOMAIN must be a domain name such as example.com',
      ]);
  });
});
