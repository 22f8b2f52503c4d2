import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedUser } from '../../sim/cii/seed.ts';
import type { Demo } from '../../sim/demo/start-demo.ts';
import { skipBrowserTests } from './support/chromium.ts';
import { useConsolePage } from './support/console-page.ts';

const LOOKED_UP = 'marcus.chen@example.com';
const BLOCKED = 'james.whitaker@example.com';
const OTHER = 'ethan.brooks@example.com';
const CHANNELS = { secAlerts: { id: 'C0SECALERT', name: 'sec-alerts' }, soc: { id: 'C0SOC', name: 'soc' } };
const BOB = 'UANALYST';
const CAROL = 'UVIEWER';
const WAIT = { timeout: 15_000 };

const accountOf = (login: string, provider: 'DUO' | 'OKTA' | 'AZURE_AD') =>
  seedUser(login).accounts.find((a) => a.provider === provider)!.userId;

describe.skipIf(skipBrowserTests)('the demo console in a real browser', () => {
  const story = useConsolePage('story');
  let demo: Demo;
  let page: Page;
  const screenshot = (name: string) => story.screenshot(name);

  async function send(text: string): Promise<void> {
    await page.locator('#composer-input').fill(text);
    await page.locator('#composer-input').press('Enter');
  }

  async function openChannel(channel: { id: string; name: string }): Promise<void> {
    await page.locator(`[data-channel="${channel.id}"]`).click();
    await expect.poll(() => page.locator('#channel-name').textContent(), WAIT).toBe(`# ${channel.name}`);
  }

  async function actAs(userId: string): Promise<void> {
    await page.locator(`input[name="acting"][value="${userId}"]`).check();
    // The sidebar marks the user once the page has loaded what they see.
    await page.locator(`.acting-option.current input[value="${userId}"]`).waitFor({ state: 'attached', ...WAIT });
  }

  /** The alert card about `login` in the channel shown (a channel message, not an ephemeral one). */
  const card = (login: string): Locator =>
    page
      .locator('#messages .message:not(.ephemeral)')
      .filter({ has: page.locator('[data-action-id="open_in_cii"]') })
      .filter({ hasText: login });
  const ephemerals = (): Locator => page.locator('#messages .message.ephemeral');

  /** Clicks a card's button and answers its confirm dialog as a person would. */
  async function clickAndConfirm(
    target: Locator,
    actionId: string,
    confirmLabel: string,
    shot?: string,
  ): Promise<void> {
    await target.locator(`[data-action-id="${actionId}"]`).click();
    const dialog = page.locator('#dialog');
    await dialog.waitFor({ state: 'visible', ...WAIT });
    const confirm = dialog.locator('[data-confirm-answer="confirm"]');
    await expect.poll(() => confirm.textContent(), WAIT).toBe(confirmLabel);
    if (shot !== undefined) await screenshot(shot);
    await confirm.click();
    await page.locator('#overlay').waitFor({ state: 'hidden', ...WAIT });
  }

  /** Clicks a card's button that opens a modal; waits for the modal's content (the Block preview, once loaded). */
  async function openModal(target: Locator, actionId: string, expected: string): Promise<Locator> {
    await target.locator(`[data-action-id="${actionId}"]`).click();
    const dialog = page.locator('#dialog.dialog-modal');
    await dialog.waitFor({ state: 'visible', ...WAIT });
    await expect.poll(() => dialog.textContent(), WAIT).toContain(expected);
    return dialog;
  }

  /** Types the reason in the open modal and submits it. */
  async function submitModal(dialog: Locator, reason: string): Promise<void> {
    await dialog.locator('textarea').fill(reason);
    await dialog.locator('[data-modal="submit"]').click();
    await page.locator('#overlay').waitFor({ state: 'hidden', ...WAIT });
  }

  const idpRequests = (provider: string, method: string): Locator =>
    page.locator(`#idp-activity .idp-request[data-provider="${provider}"][data-method="${method}"]`);

  beforeAll(() => {
    ({ page, demo } = story);
  });

  it('looks a user up from the composer: the card shows only to the sender', async () => {
    await expect.poll(() => page.locator('#channel-name').textContent(), WAIT).toBe('# sec-alerts');
    await send(`/cii user ${LOOKED_UP}`);
    const answer = ephemerals().filter({ hasText: 'Marcus Chen' });
    await answer.waitFor(WAIT);
    expect(await answer.textContent()).toContain('Only visible to you');
    // The seed is measured from the demo's start: the last sign-in is hours old on any day, not "a year ago".
    const lastSignIn = demo.users.find((u) => u.login === LOOKED_UP)!.signIns[0]!.timestamp;
    expect(Date.now() - Date.parse(lastSignIn)).toBeLessThan(24 * 3600_000);
    expect(await answer.textContent()).toMatch(/Last sign-in:\s*\d+ (minutes|hours) ago/);
    await screenshot('user-lookup');
  });

  it('subscribes #sec-alerts and #soc with /cii subscribe', async () => {
    for (const channel of [CHANNELS.soc, CHANNELS.secAlerts]) {
      await openChannel(channel);
      await send('/cii subscribe');
      await page
        .locator('#messages .message')
        .filter({ hasText: `#${channel.name} now gets CII alerts` })
        .waitFor(WAIT);
    }
    await screenshot('subscribed');
  });

  it("sends CII's Test Connectivity from the CII panel: /cii status then shows the test", async () => {
    await page.getByRole('button', { name: 'Test Connectivity' }).click();
    await expect
      .poll(() => page.locator('#webhook-test-result').textContent(), WAIT)
      .toMatch(/^Sent a WebhookTest event to 1 webhook\(s\): HTTP 2\d\d$/);
    await send('/cii status');
    const status = ephemerals().filter({ hasText: 'CII status' });
    await status.waitFor(WAIT);
    expect(await status.textContent()).toMatch(/Last webhook test\s*just now/);
    await screenshot('webhook-test');
  });

  it('fires a detection for two users from the CII panel: each channel gets a card per user', async () => {
    await page.locator('#check').selectOption('impossible-travel');
    await page.locator('#severity').selectOption('critical');
    for (const ticked of await page.locator('#logins input:checked').all()) await ticked.uncheck();
    for (const login of [BLOCKED, OTHER]) await page.locator(`#logins input[value="${login}"]`).check();
    expect(await page.locator('#fire').textContent()).toBe('Fire detection (2 users)');
    await page.getByRole('button', { name: 'Fire detection' }).click();
    await expect
      .poll(() => page.locator('#detection-result').textContent(), WAIT)
      .toMatch(/^Delivered 1 webhook\(s\): HTTP 2\d\d$/);
    for (const channel of [CHANNELS.soc, CHANNELS.secAlerts]) {
      await openChannel(channel);
      for (const login of [BLOCKED, OTHER]) {
        await card(login).waitFor(WAIT);
        expect(await card(login).locator('[data-action-id="alert_block"]').count()).toBe(1);
      }
    }
    await screenshot('alert-cards');
  });

  it('refuses Block from the non-responder before any modal opens, in a message only she sees, and calls no identity provider', async () => {
    await actAs(CAROL);
    await card(BLOCKED).locator('[data-action-id="alert_block"]').click();
    const refusal = ephemerals().filter({ hasText: 'Only CII responders' });
    await refusal.waitFor(WAIT);
    expect(await page.locator('#dialog.dialog-modal').isVisible()).toBe(false);
    await screenshot('refused-non-responder');
    expect(await card(BLOCKED).locator('[data-action-id="alert_block"]').count()).toBe(1);
    expect(demo.idp.requests).toEqual([]);
    expect(await page.locator('#idp-activity').textContent()).toContain('No calls yet');
    await actAs(BOB);
    expect(await refusal.count()).toBe(0);
  });

  it('previews Block in a modal (each account and what Block does there), then blocks with a reason: every copy of the card turns to "Blocked by", and the panel shows each provider called', async () => {
    const preview = await openModal(card(BLOCKED), 'alert_block', 'Will be blocked');
    const text = await preview.textContent();
    expect(text).toContain('status set to disabled');
    expect(text).toContain('suspended, sessions and OAuth tokens cleared');
    expect(text).toContain('account disabled, sign-in sessions revoked');
    expect(demo.idp.requests).toEqual([]);
    await preview.locator('textarea').fill('Impossible travel confirmed with his manager');
    await screenshot('block-preview');
    await submitModal(preview, 'Impossible travel confirmed with his manager');
    for (const channel of [CHANNELS.soc, CHANNELS.secAlerts]) {
      await openChannel(channel);
      await expect.poll(() => card(BLOCKED).textContent(), WAIT).toContain('Blocked by @Bob Analyst');
      expect(await card(BLOCKED).textContent()).toContain('Reason: Impossible travel confirmed with his manager');
      expect(await card(BLOCKED).locator('[data-action-id="alert_block"]').count()).toBe(0);
      expect(await card(OTHER).locator('[data-action-id="alert_block"]').count()).toBe(1);
    }

    const duoCall = idpRequests('DUO', 'POST').filter({ hasText: `/admin/v1/users/${accountOf(BLOCKED, 'DUO')}` });
    await expect.poll(() => duoCall.first().textContent(), WAIT).toContain('status=disabled');
    await expect.poll(() => idpRequests('OKTA', 'POST').filter({ hasText: 'lifecycle/suspend' }).count(), WAIT).toBe(1);
    await expect
      .poll(() => idpRequests('AZURE_AD', 'PATCH').first().textContent(), WAIT)
      .toContain('accountEnabled=false');
    const states = page.locator(`#idp-activity .idp-account[data-login="${BLOCKED}"]`);
    await expect.poll(() => states.textContent(), WAIT).toMatch(/Duo: disabled.*Okta: SUSPENDED.*Entra ID: disabled/);
    await card(BLOCKED).scrollIntoViewIfNeeded();
    await screenshot('blocked-by-responder');

    // The panel shows what the simulators recorded.
    const duo = demo.idp.requestsTo('DUO').filter((r) => r.method === 'POST');
    expect(duo.map((r) => [r.path, r.status])).toEqual([[`/admin/v1/users/${accountOf(BLOCKED, 'DUO')}`, 200]]);
    expect(demo.idp.duo.users.get(accountOf(BLOCKED, 'DUO'))?.status).toBe('disabled');
  });

  it('unblocks (after confirming): the card says so and the panel shows the reversal', async () => {
    await clickAndConfirm(card(BLOCKED), 'alert_unblock', 'Unblock', 'unblock-confirm');
    await expect.poll(() => card(BLOCKED).textContent(), WAIT).toContain('Unblocked by @Bob Analyst');
    await expect.poll(() => idpRequests('DUO', 'POST').first().textContent(), WAIT).toContain('status=active');
    await expect
      .poll(() => idpRequests('OKTA', 'POST').filter({ hasText: 'lifecycle/unsuspend' }).count(), WAIT)
      .toBe(1);
    await expect
      .poll(() => idpRequests('AZURE_AD', 'PATCH').first().textContent(), WAIT)
      .toContain('accountEnabled=true');
    const states = page.locator(`#idp-activity .idp-account[data-login="${BLOCKED}"]`);
    await expect.poll(() => states.textContent(), WAIT).toMatch(/Duo: active.*Okta: ACTIVE.*Entra ID: enabled/);
    await card(BLOCKED).scrollIntoViewIfNeeded();
    await screenshot('unblocked');
    await openChannel(CHANNELS.soc);
    await expect.poll(() => card(BLOCKED).textContent(), WAIT).toContain('Unblocked by @Bob Analyst');
    expect(demo.idp.duo.users.get(accountOf(BLOCKED, 'DUO'))?.status).toBe('active');
  });

  it('blocks again after the unblock with Okta refusing: the card says "Partially blocked", with Retry and Unblock', async () => {
    demo.idp.fail('OKTA', { status: 403, path: `${accountOf(BLOCKED, 'OKTA')}/lifecycle/suspend` });
    const preview = await openModal(card(BLOCKED), 'alert_block', 'Will be blocked');
    await submitModal(preview, 'Signed in from Lagos again');
    await expect.poll(() => card(BLOCKED).textContent(), WAIT).toContain('Partially blocked');
    const text = (await card(BLOCKED).textContent()) ?? '';
    expect(text).toContain('Blocked in Duo and Entra ID; Okta failed: Okta refused the request');
    expect(await card(BLOCKED).locator('[data-action-id="alert_retry"]').count()).toBe(1);
    expect(await card(BLOCKED).locator('[data-action-id="alert_unblock"]').count()).toBe(1);
    await card(BLOCKED).scrollIntoViewIfNeeded();
    await screenshot('partial-block');
  });

  it('approves with a reason in a modal: the card says who and why, and offers Reopen', async () => {
    const dialog = await openModal(card(OTHER), 'alert_approve', 'Approve the alert about');
    await submitModal(dialog, 'Travelling for the offsite');
    await expect.poll(() => card(OTHER).textContent(), WAIT).toContain('Approved by @Bob Analyst');
    expect(await card(OTHER).textContent()).toContain('Travelling for the offsite');
    expect(await card(OTHER).locator('[data-action-id="alert_reopen"]').count()).toBe(1);
    expect(await page.locator('#toast').isHidden()).toBe(true);
  });

  it('fits a 900 px wide window: composer, hint, CII panel and user list all inside it', async () => {
    await page.setViewportSize({ width: 900, height: 800 });
    const inside = async (selector: string) => {
      const box = (await page.locator(selector).first().boundingBox())!;
      return box.x >= 0 && box.x + box.width <= 900;
    };
    for (const selector of [
      '#composer button[type="submit"]',
      '#composer-hint',
      '#cii-pane',
      '#logins',
      '#webhook-test',
      '#fire',
    ])
      expect(await inside(selector), selector).toBe(true);
    // The page's elements, typed by what is read (the project's TypeScript has no DOM library).
    type Box = { scrollWidth: number; clientWidth: number };
    expect(await page.locator('html').evaluate((el: Box) => el.scrollWidth)).toBeLessThanOrEqual(900);
    const list = await page.locator('#logins').evaluate((el: Box) => [el.scrollWidth, el.clientWidth]);
    expect(list[0]).toBeLessThanOrEqual(list[1]!);
    await screenshot('narrow-900');
    await page.setViewportSize({ width: 1400, height: 900 });
  });
});
