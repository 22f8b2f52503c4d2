import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests } from './support/chromium.ts';
import { useConsolePage } from './support/console-page.ts';

const TRAVELLER = 'james.whitaker@example.com';
const OTHER = 'ethan.brooks@example.com';
const SOC = { id: 'C0SOC', name: 'soc' };
const WAIT = { timeout: 15_000 };

describe.skipIf(skipBrowserTests)('routing in the demo console: the subscription modal, mutes, the Home tab', () => {
  const story = useConsolePage('routing');
  let page: Page;
  const screenshot = (name: string) => story.screenshot(name);

  async function send(text: string): Promise<void> {
    await page.locator('#composer-input').fill(text);
    await page.locator('#composer-input').press('Enter');
  }

  async function fire(checkId: string, logins: string[], severity: string): Promise<void> {
    await page.locator('#check').selectOption(checkId);
    await page.locator('#severity').selectOption(severity);
    const ticked = page.locator('#logins input:checked');
    while ((await ticked.count()) > 0) await ticked.first().uncheck();
    for (const login of logins) await page.locator(`#logins input[value="${login}"]`).check();
    await page.getByRole('button', { name: 'Fire detection' }).click();
    await expect.poll(() => page.locator('#detection-result').textContent(), WAIT).toMatch(/HTTP 2\d\d/);
  }

  const ephemerals = (): Locator => page.locator('#messages .message.ephemeral');
  const card = (login: string): Locator =>
    page
      .locator('#messages .message:not(.ephemeral)')
      .filter({ has: page.locator('[data-action-id="alert_mute"]') })
      .filter({ hasText: login });
  const modal = () => page.locator('#dialog.dialog-modal');

  beforeAll(async () => {
    page = story.page;
    await page.locator(`[data-channel="${SOC.id}"]`).click();
    await page.locator('#channel-name', { hasText: `# ${SOC.name}` }).waitFor(WAIT);
  });

  it('adds a subscription from a modal whose preview counts the findings already stored, as the choice changes', async () => {
    // Nothing is subscribed yet: these findings are kept, unrouted.
    await fire('impossible-travel', [TRAVELLER, OTHER], 'high');
    await fire('no-mfa', [OTHER], 'medium');
    await send('/cii subscriptions');
    const list = ephemerals().filter({ hasText: 'No CII alert subscriptions in this channel' });
    await list.waitFor(WAIT);
    await list.locator('[data-action-id="subscription_add"]').click();
    await modal().waitFor({ state: 'visible', ...WAIT });
    await expect.poll(() => modal().textContent(), WAIT).toContain('This would have posted 3 alerts in #soc');

    await modal().getByLabel('Impossible Travel (impossible-travel)').check();
    await expect.poll(() => modal().textContent(), WAIT).toContain('This would have posted 2 alerts in #soc');
    expect(await modal().getByLabel('Impossible Travel (impossible-travel)').isChecked()).toBe(true);
    await modal().locator('select[data-action-id="subscription_severity"]').selectOption('critical');
    await expect.poll(() => modal().textContent(), WAIT).toContain('This would have posted 0 alerts in #soc');
    await modal().locator('select[data-action-id="subscription_severity"]').selectOption('high');
    await expect.poll(() => modal().textContent(), WAIT).toContain('This would have posted 2 alerts in #soc');
    expect(await modal().textContent()).toContain('Same as typing /cii subscribe impossible-travel severity:high');
    await screenshot('subscription-modal');

    await modal().locator('[data-modal="submit"]').click();
    await page.locator('#overlay').waitFor({ state: 'hidden', ...WAIT });
    const answer = ephemerals().filter({ hasText: '#soc now gets CII alerts for impossible-travel' });
    await answer.waitFor(WAIT);
    await answer.locator('[data-action-id="post_backlog"]').click();
    for (const login of [TRAVELLER, OTHER]) await card(login).waitFor(WAIT);
  }, 60_000);

  it('mutes Impossible Travel for one user from the card, with a reason: the thread says so', async () => {
    await card(TRAVELLER).locator('select[data-action-id="alert_mute"]').selectOption({ label: 'Mute for 7 days' });
    await modal().waitFor({ state: 'visible', ...WAIT });
    await expect.poll(() => modal().textContent(), WAIT).toContain('for 7 days, until');
    await modal().locator('textarea').fill('Travelling to the Lagos office this week');
    await modal().locator('[data-modal="submit"]').click();
    await page.locator('#overlay').waitFor({ state: 'hidden', ...WAIT });
    const replies = card(TRAVELLER).locator('[data-thread]');
    await replies.waitFor(WAIT);
    await replies.click();
    const notice = page.locator('#thread .message').filter({ hasText: 'muted Impossible Travel' });
    await notice.waitFor(WAIT);
    expect(await notice.textContent()).toContain(
      '@Bob Analyst muted Impossible Travel for James Whitaker (james.whitaker@example.com) for 7 days: Travelling to the Lagos office this week',
    );
    await notice.scrollIntoViewIfNeeded();
    await screenshot('mute-in-thread');

    // His next Impossible Travel is counted, not posted; the other user's is posted.
    await page.locator('#thread-close').click();
    await fire('impossible-travel', [TRAVELLER, OTHER], 'high');
    await expect.poll(() => card(OTHER).count(), WAIT).toBe(2);
    expect(await card(TRAVELLER).count()).toBe(1);
  }, 60_000);

  it('lists the mutes with who, until when and why, and Unmute', async () => {
    await send('/cii mutes');
    const list = ephemerals().filter({ hasText: 'Muted checks (1)' });
    await list.waitFor(WAIT);
    const text = (await list.textContent()) ?? '';
    expect(text).toContain('Impossible Travel (impossible-travel) for James Whitaker');
    expect(text).toMatch(/until \d{4}-\d\d-\d\d \d\d:\d\d UTC · muted by @Bob Analyst in #soc just now/);
    expect(text).toContain('Travelling to the Lagos office this week');
    expect(await list.locator('[data-action-id="mute_lift"]').count()).toBe(1);
    await list.scrollIntoViewIfNeeded();
    await screenshot('mutes');
    await send('/cii status');
    const status = ephemerals().filter({ hasText: 'CII status' });
    await status.waitFor(WAIT);
    expect(await status.textContent()).toContain('🔇 1 muted');
  }, 60_000);

  it('opens the Home tab: health, the alerts waiting for a decision with where each went, own decisions', async () => {
    await page.locator('[data-home]').click();
    const home = page.locator('#messages .home');
    await expect.poll(() => home.textContent(), WAIT).toContain('Waiting for a decision');
    const text = (await home.textContent()) ?? '';
    expect(text).toContain('CII reachable');
    expect(text).toContain(OTHER);
    expect(text).toContain('posted in #soc');
    expect(text).toContain('mute → muted');
    expect(await page.locator('#composer').isHidden()).toBe(true);
    await screenshot('home');
    await page.locator(`[data-channel="${SOC.id}"]`).click();
    expect(await page.locator('#composer').isVisible()).toBe(true);
  }, 60_000);
});
