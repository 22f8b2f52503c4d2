import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startDemo, type Demo, type DemoOptions } from '../../../sim/demo/start-demo.ts';
import { silentLogger } from '../../../src/logger.ts';
import { launchChromium } from './chromium.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));

export interface ConsolePage {
  readonly page: Page;
  readonly demo: Demo;
  /** `<prefix>-NN-<name>.png` in the screenshots folder, numbered in the order taken. */
  screenshot(name: string): Promise<void>;
}

/**
 * A story's browser on the demo console, for the `describe` it is called in: the demo started (with `demo`
 * options), the page loaded, a screenshot of any failed test, no error thrown in the page, all stopped after.
 */
export function useConsolePage(prefix: string, demoOptions: DemoOptions = {}): ConsolePage {
  let browser: Browser | undefined;
  let demo: Demo | undefined;
  let page: Page | undefined;
  let shots = 0;
  const pageErrors: string[] = [];
  const shotPath = (name: string) => `${SCREENSHOTS}${prefix}-${name}.png`;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    demo = await startDemo({ port: 0, perChannelIntervalMs: 100, logger: silentLogger, ...demoOptions });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(demo.url);
    await page.locator('#check option').first().waitFor({ state: 'attached', timeout: 15_000 });
  }, 60_000);
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      await page?.screenshot({ path: shotPath(`failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}`) });
    });
  });
  afterEach(() => {
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  return {
    get page() {
      if (!page) throw new Error('the console page is not open yet (use it inside a test)');
      return page;
    },
    get demo() {
      if (!demo) throw new Error('the demo is not started yet (use it inside a test)');
      return demo;
    },
    async screenshot(name) {
      shots += 1;
      await this.page.screenshot({ path: shotPath(`${String(shots).padStart(2, '0')}-${name}`) });
    },
  };
}
