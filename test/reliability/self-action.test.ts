// Self-action through another login: a responder must not approve or block an alert about herself, whichever
// of her logins CII sent. Run alone: npx vitest run test/reliability/self-action.test.ts
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUser, seedUsers, type SimUser } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { DEFAULT_USERGROUPS, DEFAULT_USERS } from '../../sim/slack/seed.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const fastCii = { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1, timeoutMs: 2_000 };
const CHANNEL = 'C0SOC';
const OLIVIA_EMAIL = 'olivia.bennett@example.com';

/** A CII user of the seed's shape, under another login, whose identities are the given ones. */
function ciiUser(login: string, identities: Partial<Pick<SimUser, 'emails' | 'linkedEndUserLogins'>>): SimUser {
  const base = seedUser('marcus.chen@example.com');
  return {
    ...base,
    id: `eu-${login.replace(/\W/g, '')}`,
    login,
    displayName: 'Olivia Bennett',
    emails: identities.emails ?? [],
    linkedEndUserLogins: identities.linkedEndUserLogins ?? [],
    accounts: base.accounts.map((a) => ({ ...a, login, email: null })),
  };
}

// The attack run's four logins, each listing her address in `emails`, and one known only as a linked login.
const HER_LOGINS: Record<string, SimUser> = {
  obennett: ciiUser('obennett', { emails: [OLIVIA_EMAIL] }),
  'olivia.bennett@corp.example.com': ciiUser('olivia.bennett@corp.example.com', {
    emails: ['Olivia.Bennett@Example.com'],
  }),
  'EXAMPLE\\olivia.bennett': ciiUser('EXAMPLE\\olivia.bennett', { emails: [OLIVIA_EMAIL] }),
  'olivia.bennett+admin@example.com': ciiUser('olivia.bennett+admin@example.com', { emails: [] }),
  'svc-ob': ciiUser('svc-ob', { linkedEndUserLogins: [OLIVIA_EMAIL] }),
};

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('self-action through another login', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      idp: { autoCreateUsers: true },
      cii: { users: [...seedUsers, ...Object.values(HER_LOGINS)] },
      env: { CII_RESPONDERS: 'UADMIN UOLIVIA', CII_ADMINS: 'UADMIN' },
      slack: {
        users: [...DEFAULT_USERS, { id: 'UOLIVIA', name: 'olivia', realName: 'Olivia Bennett', email: OLIVIA_EMAIL }],
        usergroups: [...DEFAULT_USERGROUPS],
      },
      app: { delivery: fastDelivery, cii: fastCii },
    });
    await registerAppWebhook(stack, ['no-mfa']);
    await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: CHANNEL });
  });
  afterAll(() => stack.stop());

  function cardOf(login: string): RecordedCall | undefined {
    return stack.slack
      .callsTo('chat.postMessage')
      .find(
        (c) =>
          (c.response as { ok?: boolean }).ok &&
          (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert' &&
          JSON.stringify(c.args.blocks).includes(JSON.stringify(login).slice(1, -1)),
      );
  }

  async function clickAs(userId: string, login: string, actionId: string): Promise<string> {
    const card = cardOf(login)!;
    const click = await stack.driver.click({ message: card, actionId, userId, channelId: CHANNEL });
    expect(click.status).toBe(200);
    const answers = () => stack.slack.callsTo('response_url').filter((c) => c.url === click.responseUrl);
    await until(() => answers().length > 0 || stack.slack.callsTo('chat.update').length > 0, 'an answer');
    await until(() => answers().length > 0, 'the answer to the clicker', 3_000).catch(() => undefined);
    return answers()
      .map((c) => JSON.stringify(c.args))
      .join('\n');
  }

  test('refuses Approve and Block on every login of her own CII user (0 of 10 clicks accepted; 10 of 10 were before)', async () => {
    const logins = Object.keys(HER_LOGINS);
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins });
    await until(() => logins.every((l) => cardOf(l) !== undefined), 'a card per login');

    let accepted = 0;
    for (const login of logins) {
      for (const actionId of ['alert_approve', 'alert_block']) {
        // A button gone from the card means an earlier click on it was accepted.
        const answer = await clickAs('UOLIVIA', login, actionId).catch(() => '');
        if (!answer.includes('your own account')) accepted += 1;
      }
    }
    expect(accepted).toBe(0);
    expect(stack.idp!.requests).toHaveLength(0);
  });

  test('another responder may still act on those alerts', async () => {
    const opened = stack.slack.callsTo('views.open').length;
    await stack.driver.click({
      message: cardOf('obennett')!,
      actionId: 'alert_approve',
      userId: 'UADMIN',
      channelId: CHANNEL,
    });
    // Approve asks for its confirmation in a modal: submitting it approves.
    const modal = (await stack.slack.waitForCalls('views.open', opened + 1)).at(-1)!;
    await stack.driver.submitView({ userId: 'UADMIN', view: modal, values: {} });
    await until(
      () => stack.slack.callsTo('chat.update').some((c) => JSON.stringify(c.args.blocks).includes('Approved')),
      'the card shows the approval',
    );
  });

  test('refuses, saying why, when CII cannot be asked who the alert is about', async () => {
    const login = 'tom.harris@example.com';
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins: [login] });
    await until(() => cardOf(login) !== undefined, 'the card');
    stack.cii.inject({ status: 503, times: 10 });
    try {
      const answer = await clickAs('UOLIVIA', login, 'alert_approve');
      expect(answer).toContain('could not ask CII which logins');
      expect(answer).toContain('nothing was done');
    } finally {
      stack.cii.clearFaults();
    }
  });
});
