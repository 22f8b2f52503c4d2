import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { SUBCOMMANDS } from '../src/slack/commands/subcommands/index.ts';

const root = join(import.meta.dirname, '..');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as {
  display_information: { name: string };
  features: {
    app_home?: { home_tab_enabled?: boolean };
    slash_commands: Array<{ command: string; url: string; usage_hint: string; should_escape?: boolean }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    event_subscriptions?: { request_url: string; bot_events?: string[] };
  };
};

/** The bot scopes Slack requires for each Web API method the code may call. */
const SCOPES_BY_METHOD: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.getPermalink': [],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.join': ['channels:join'],
  // The app opens and reads back its own DMs with users ("was this you?"), and reads its own cards back in a
  // channel to find a post whose answer never came.
  'conversations.open': ['im:write'],
  'conversations.history': ['im:history', 'channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.members': ['channels:read', 'groups:read'],
  'users.info': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'usergroups.users.list': ['usergroups:read'],
  'usergroups.list': ['usergroups:read'],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
  'auth.test': [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

function webApiMethodsUsed(): string[] {
  const methods = new Set<string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(
      /\bclient\.(chat|conversations|users|usergroups|views|auth)\.(\w+(?:\.\w+)?)\(/g,
    )) {
      methods.add(`${m[1]}.${m[2]}`);
    }
  }
  return [...methods].sort();
}

describe('manifest.yml', () => {
  test('declares the /cii command at the events URL, with escaping off so emails arrive as typed', () => {
    const cii = manifest.features.slash_commands.find((c) => c.command === '/cii');
    expect(cii).toBeDefined();
    expect(cii!.url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(cii!.should_escape).toBe(false);
  });

  test('names every /cii subcommand in the usage hint Slack shows while typing', () => {
    const hint = manifest.features.slash_commands.find((c) => c.command === '/cii')!.usage_hint;
    const named = hint.split('|').map((part) => part.trim().split(/\s+/)[0]);
    for (const s of SUBCOMMANDS) expect(named, `the usage hint lacks ${s.name}`).toContain(s.name);
  });

  test('enables interactivity at the events URL', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    if (manifest.settings.event_subscriptions)
      expect(manifest.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
  });

  test('grants a bot scope for every Web API method the code calls', () => {
    const used = webApiMethodsUsed();
    expect(used.length).toBeGreaterThan(0);
    const scopes = new Set(manifest.oauth_config.scopes.bot);
    expect(scopes.has('commands')).toBe(true);
    for (const method of used) {
      expect(SCOPES_BY_METHOD, `no scope known for ${method}: add it to the table`).toHaveProperty([method]);
      for (const scope of SCOPES_BY_METHOD[method]!) expect(scopes, `${method} needs ${scope}`).toContain(scope);
    }
  });

  test('enables the Home tab and subscribes to every event the code listens to, at the events URL', () => {
    const events = new Set<string>();
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bapp\.event\('(\w+)'/g)) events.add(m[1]!);
    }
    expect([...events]).toContain('app_home_opened');
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.request_url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    for (const event of events) expect(manifest.settings.event_subscriptions?.bot_events).toContain(event);
  });

  test("keeps the display name within Slack's 35 characters", () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
  });
});
