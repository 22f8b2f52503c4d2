import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AFFECTED_USER } from '../../sim/demo/start-demo.ts';
import { skipBrowserTests } from './support/chromium.ts';
import { useConsolePage } from './support/console-page.ts';

const MIA = DEMO_AFFECTED_USER;
const BLOCKED = 'ethan.brooks@example.com';
const BOB = 'UANALYST';
const SEC_ALERTS = { id: 'C0SECALERT', name: 'sec-alerts' };
const WAIT = { timeout: 20_000 };

describe.skipIf(skipBrowserTests)('"Was this you?" and step-up in the demo console, in a real browser', () => {
  const story = useConsolePage('verify', { stepUp: true });
  let page: Page;
  beforeAll(() => {
    page = story.page;
  });
  const screenshot = (name: string) => story.screenshot(name);

  async function actAs(userId: string): Promise<void> {
    await page.locator(`input[name="acting"][value="${userId}"]`).check();
    await page.locator(`.acting-option.current input[value="${userId}"]`).waitFor({ state: 'attached', ...WAIT });
  }

  async function open(channelId: string, title: string): Promise<void> {
    await page.locator(`[data-channel="${channelId}"]`).click();
    await expect.poll(() => page.locator('#channel-name').textContent(), WAIT).toBe(title);
  }

  async function fire(checkId: string, login: string): Promise<void> {
    await page.locator('#check').selectOption(checkId);
    for (const ticked of await page.locator('#logins input:checked').all()) await ticked.uncheck();
    await page.locator(`#logins input[value="${login}"]`).check();
    await page.getByRole('button', { name: 'Fire detection' }).click();
    await expect
      .poll(() => page.locator('#detection-result').textContent(), WAIT)
      .toMatch(/^Delivered 1 webhook\(s\): HTTP 2\d\d$/);
  }

  const card = (login: string, check: string): Locator =>
    page
      .locator('#messages .message:not(.ephemeral)')
      .filter({ has: page.locator('[data-action-id="open_in_cii"]') })
      .filter({ hasText: login })
      .filter({ hasText: check });
  /** Scrolls a card into view; the page re-renders on every change, so an attempt may meet a replaced node. */
  async function reveal(target: Locator): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await target.scrollIntoViewIfNeeded({ timeout: 2_000 });
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
  }

  const phone = (): Locator => page.locator('#phone');
  const push = (): Locator => page.locator('#phone .push');

  beforeAll(async () => {
    await page.locator('#composer-input').fill('/cii subscribe');
    await page.locator('#composer-input').press('Enter');
    await page.locator('#messages .message').filter({ hasText: 'now gets CII alerts' }).waitFor(WAIT);
  });

  it('an impossible-travel alert about Mia: the card says she was asked', async () => {
    await fire('impossible-travel', MIA.email!);
    const travel = card(MIA.email!, 'Impossible Travel');
    await travel.waitFor(WAIT);
    await expect.poll(() => travel.textContent(), WAIT).toContain('Asked Mia');
    await reveal(travel);
    await screenshot('card-asked-mia');
  });

  it(
    'acting as Mia: her DM from the app asks in plain words, and Yes sends a Duo Push to her phone',
    { timeout: 60_000 },
    async () => {
      await actAs(MIA.id);
      await open(`D${MIA.id.slice(1)}`, '💬 CII (app)');
      const question = page.locator('#messages .message').filter({ hasText: 'Hi Mia' });
      await question.waitFor(WAIT);
      const text = (await question.textContent()) ?? '';
      expect(text).toContain('Hi Mia');
      expect(text).toContain('Impossible Travel');
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(await phone().textContent()).toContain('no push waiting');
      await screenshot('mia-dm-question');

      await question.locator('[data-action-id="verify_yes"]').click();
      await push().waitFor(WAIT);
      await expect.poll(() => question.textContent(), WAIT).toContain('Approve the Duo Push on your phone');
      // Her phone says what she confirms (the push's pushinfo), as her DM does.
      expect(await push().textContent()).toContain('Approve: Confirm it was you?');
      expect(await push().textContent()).toContain('seen: Impossible Travel');
      await screenshot('mia-push-on-her-phone');

      await push().locator('[data-answer="allow"]').click();
      await expect.poll(() => question.textContent(), WAIT).toContain('Duo Push approved');
      await expect.poll(() => push().count(), WAIT).toBe(0);
      await screenshot('mia-dm-confirmed');
    },
  );

  it('back as the analyst: the card changed in place to "Mia confirmed it was them (Duo Push approved)"', async () => {
    await actAs(BOB);
    await open(SEC_ALERTS.id, '# sec-alerts');
    const travel = card(MIA.email!, 'Impossible Travel');
    await expect.poll(() => travel.textContent(), WAIT).toContain('Mia confirmed it was them (Duo Push approved)');
    await reveal(travel);
    await screenshot('card-mia-confirmed');
  });

  /** Opens Block on the card, submits the preview: the modal then waits for the responder's Duo Push. */
  async function blockAndWait(): Promise<Locator> {
    const target = card(BLOCKED, 'No MFA');
    await target.locator('[data-action-id="alert_block"]').click();
    const dialog = page.locator('#dialog.dialog-modal');
    await expect.poll(() => dialog.textContent(), WAIT).toContain('Will be blocked');
    await dialog.locator('textarea').fill('No MFA and a sign-in from a new country');
    await dialog.locator('[data-modal="submit"]').click();
    await expect.poll(() => dialog.textContent(), WAIT).toContain('Approve the Duo Push on your phone');
    await push().waitFor(WAIT);
    return dialog;
  }

  it(
    'step-up denied: Block waits for Bob’s Duo Push; denying it calls no provider and the modal says so',
    { timeout: 60_000 },
    async () => {
      await fire('no-mfa', BLOCKED);
      await card(BLOCKED, 'No MFA').waitFor(WAIT);
      const dialog = await blockAndWait();
      expect(await push().textContent()).toContain(`Approve: Block ${BLOCKED}?`);
      await screenshot('step-up-waiting');

      await push().locator('[data-answer="deny"]').click();
      await expect.poll(() => dialog.textContent(), WAIT).toContain('was not done');
      expect(await dialog.textContent()).toContain('the Duo Push was denied. Nothing was changed.');
      expect(story.demo.idp.requests.filter((r) => !r.path.startsWith('/auth/') && r.method !== 'GET')).toEqual([]);
      await screenshot('step-up-denied');
      await dialog.locator('[data-modal="close"]').click();
      await page.locator('#overlay').waitFor({ state: 'hidden', ...WAIT });
      expect(await card(BLOCKED, 'No MFA').locator('[data-action-id="alert_block"]').count()).toBe(1);
    },
  );

  it(
    'step-up approved: the modal says Block goes ahead, and the card turns to "Blocked by"',
    { timeout: 60_000 },
    async () => {
      const dialog = await blockAndWait();
      await push().locator('[data-answer="allow"]').click();
      await expect.poll(() => dialog.textContent(), WAIT).toContain('Duo Push approved');
      await screenshot('step-up-approved');
      await dialog.locator('[data-modal="close"]').click();
      const target = card(BLOCKED, 'No MFA');
      await expect.poll(() => target.textContent(), WAIT).toContain('Blocked by @Bob Analyst');
      await reveal(target);
      await screenshot('step-up-blocked');
    },
  );
});
