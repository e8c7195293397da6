// What the browser suites share: Chromium, signing in as an example user
// through the sign-in page, waiting for what the backend now knows, calling
// the API as a user, and screenshots in .data/screenshots/ (gitignored).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { api, signIn } from '../examples/local/seed.mjs';
import { BASE, CHROMIUM_ARGS, root } from './stack.mjs';

export const SHOTS = path.join(root, '.data', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** How long the UI may take to show what the backend now knows. */
export const UI_TIMEOUT = 90_000;

/** Chromium from Debian's packages, headless. */
export async function launchBrowser() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function shot(page, name) {
  // Off the sidebar, which opens under the mouse and covers the page.
  await page.mouse.move(1300, 950);
  await page.screenshot({
    path: path.join(SHOTS, `${name}.png`),
    fullPage: true,
  });
}

/** A fresh browser context signed in as an example user through the sign-in page. */
export async function signedIn(browser, user) {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1000 },
  });
  const page = await context.newPage();
  await page.goto(BASE);
  await page
    .getByRole('button', { name: `Sign in as ${user}` })
    .click({ timeout: UI_TIMEOUT });
  await page
    .getByRole('button', { name: /^Sign in as/ })
    .first()
    .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await page.getByRole('main').first().waitFor({ timeout: UI_TIMEOUT });
  return { context, page };
}

/** Reloads until `locator()` is visible: the page shows what the backend last saw. */
export async function eventually(page, locator, timeout = UI_TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await locator().first().waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.reload();
    }
  }
}

/** Calls the EMR on EKS API as an example user. */
export async function apiAs(user) {
  return api(BASE, await signIn(BASE, user));
}
