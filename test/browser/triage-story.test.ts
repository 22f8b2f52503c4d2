import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests } from './support/chromium.ts';
import { useConsolePage } from './support/console-page.ts';

const MIA = 'mia.johansson@example.com';
const WAIT = { timeout: 15_000 };
/** A laptop screen: the card's evidence must fit in it. */
const LAPTOP = { width: 1400, height: 900 };

describe.skipIf(skipBrowserTests)(
  'triage in a real browser: the card, its details, the user card and the audit',
  () => {
    const story = useConsolePage('triage');
    let page: Page;
    const screenshot = (name: string) => story.screenshot(name);

    async function send(text: string): Promise<void> {
      await page.locator('#composer-input').fill(text);
      await page.locator('#composer-input').press('Enter');
    }

    async function actAs(userId: string): Promise<void> {
      await page.locator(`input[name="acting"][value="${userId}"]`).check();
      await page.locator(`.acting-option.current input[value="${userId}"]`).waitFor({ state: 'attached', ...WAIT });
    }

    const card = (login: string): Locator =>
      page
        .locator('#messages .message:not(.ephemeral)')
        .filter({ has: page.locator('[data-action-id="open_in_cii"]') })
        .filter({ hasText: login });
    const ephemeral = (text: string): Locator => page.locator('#messages .message.ephemeral').filter({ hasText: text });
    const modal = (): Locator => page.locator('#dialog.dialog-modal');

    beforeAll(async () => {
      page = story.page;
      await page.locator('#channel-name', { hasText: '# sec-alerts' }).waitFor(WAIT);
      await send('/cii subscribe');
      await page.locator('#messages .message').filter({ hasText: '#sec-alerts now gets CII alerts' }).waitFor(WAIT);
    });

    it('posts a compact Impossible Travel card: its evidence and buttons fit one laptop screen, with no ellipsis', async () => {
      await page.locator('#check').selectOption('impossible-travel');
      for (const ticked of await page.locator('#logins input:checked').all()) await ticked.uncheck();
      await page.locator(`#logins input[value="${MIA}"]`).check();
      await page.getByRole('button', { name: 'Fire detection' }).click();
      await card(MIA).waitFor(WAIT);
      await card(MIA).scrollIntoViewIfNeeded();
      const text = (await card(MIA).textContent()) ?? '';
      expect(text).toContain('Distance between sign-ins: 7,511 km in 65 minutes.');
      expect(text).not.toContain('…');
      const box = (await card(MIA).boundingBox())!;
      expect(box.height, 'card height in px').toBeLessThanOrEqual(LAPTOP.height - 100);
      expect(await card(MIA).locator('[data-action-id="alert_more"]').textContent()).toBe('More');
      await screenshot('card');
    });

    it('More opens the details the card leaves out: every IP with its place, devices, groups, accounts', async () => {
      await card(MIA).locator('[data-action-id="alert_more"]').click();
      await modal().waitFor({ state: 'visible', ...WAIT });
      await expect.poll(() => modal().textContent(), WAIT).toContain('Recent IPs');
      const text = (await modal().textContent()) ?? '';
      for (const part of ['Alert details', 'Moscow', 'Devices (2)', 'Groups (4)', 'Accounts (2)', 'Block acts here'])
        expect(text).toContain(part);
      await screenshot('more-details');
      await modal().locator('[data-modal="close"]').click();
      await page.locator('#overlay').waitFor({ state: 'hidden', ...WAIT });
    });

    it('/cii user right after Mia is blocked says each account is blocked by the app, and lists her alert with the decision', async () => {
      await actAs('UVIEWER');
      await card(MIA).locator('[data-action-id="alert_block"]').click();
      await ephemeral('Only CII responders').waitFor(WAIT);
      await actAs('UANALYST');
      await card(MIA).locator('[data-action-id="alert_block"]').click();
      await modal().waitFor({ state: 'visible', ...WAIT });
      await expect.poll(() => modal().textContent(), WAIT).toContain('Will be blocked');
      expect(await modal().textContent()).toContain('Okta: no account there');
      await modal().locator('textarea').fill('Travelling: not her, confirmed by phone');
      await modal().locator('[data-modal="submit"]').click();
      await page.locator('#overlay').waitFor({ state: 'hidden', ...WAIT });
      await expect.poll(() => card(MIA).textContent(), WAIT).toContain('Blocked by');

      await send(`/cii user ${MIA}`);
      const answer = ephemeral('Alerts in this app');
      await answer.waitFor(WAIT);
      const text = (await answer.textContent()) ?? '';
      expect(text).toContain('Blocked in Duo and Entra ID by this app');
      expect(text).toMatch(/Duo · ⛔ Blocked by @Bob Analyst just now in this app \(CII last said ✅ Active\)/);
      expect(text).toMatch(
        /Blocked by @Bob Analyst just now in Duo and Entra ID — Impossible Travel \((critical|high|medium|low)\): Travelling: not her, confirmed by phone/,
      );
      await answer.scrollIntoViewIfNeeded();
      await screenshot('user-after-block');
    });

    it('/cii audit reads as sentences with the check, the severity, the reason and a link to the card', async () => {
      await send('/cii audit');
      const answer = ephemeral('Recent decisions');
      await answer.waitFor(WAIT);
      const text = (await answer.textContent()) ?? '';
      expect(text).toMatch(
        /@Bob Analyst blocked Mia Johansson in Duo and Entra ID — Impossible Travel \(\w+\): Travelling/,
      );
      expect(text).toMatch(/@Carol Viewer tried to Block Mia Johansson — refused: not a responder — Impossible Travel/);
      expect(await answer.locator('a', { hasText: 'card' }).count()).toBeGreaterThan(0);
      await answer.scrollIntoViewIfNeeded();
      await screenshot('audit');
    });
  },
);
