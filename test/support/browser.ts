import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startApp, type AppProcess } from './app-process.js';

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium with a fresh profile, nothing phoning home: the page under test
 * is the only thing it talks to.
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install -y chromium (bash .ci/run does it), or set CHROMIUM_PATH`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'incident-router-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first match of `pattern` in the app's output, waiting for it up to `timeoutMs`. */
export function waitForOutput(app: AppProcess, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(app.output());
      if (!match) return false;
      clearTimeout(timer);
      app.child.stdout!.off('data', check);
      resolve(match);
      return true;
    };
    const timer = setTimeout(() => {
      app.child.stdout!.off('data', check);
      reject(new Error(`app output did not match ${pattern} within ${timeoutMs} ms:\n${app.output()}`));
    }, timeoutMs);
    if (!check()) app.child.stdout!.on('data', check);
  });
}

/**
 * The sandbox as `npm run sandbox` starts it (the built app with `--sandbox`), and a
 * headless Chromium page open on it.
 */
export async function openSandbox(env: Record<string, string>): Promise<{ app: AppProcess; page: Page; close(): Promise<void> }> {
  const app = await startApp({ SANDBOX_PORT: '0', ...env }, { args: ['--sandbox'] });
  const [, url] = await waitForOutput(app, /Open (http:\/\/localhost:\d+\/) and type \/incident/);
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.goto(url!);
  return {
    app,
    page,
    close: async () => {
      await browser.close();
      await app.stop();
    },
  };
}
