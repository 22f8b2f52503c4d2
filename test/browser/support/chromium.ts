import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it), or the one CHROMIUM_PATH names. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumInstalled = existsSync(CHROMIUM_PATH);

/** CI must run the browser tests; elsewhere a missing Chromium skips them, loudly. */
export const skipBrowserTests = !chromiumInstalled && !process.env.CI;

if (skipBrowserTests) {
  console.warn(
    `\n!!! ${'='.repeat(72)}\n!!! BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM_PATH}.\n` +
      '!!! Install it (apt-get install chromium fonts-noto-color-emoji) or set CHROMIUM_PATH.\n' +
      `!!! ${'='.repeat(72)}\n`,
  );
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests cannot run (.ci/run installs it with apt-get; or set CHROMIUM_PATH).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
