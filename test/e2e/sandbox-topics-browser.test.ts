import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSandbox } from '../support/browser.js';

/**
 * The sandbox with a routing file of its user's: the modal gains the topic select
 * (a dispatching select like severity), and a topic's subscribers join the preview
 * and the delivery.
 */
const ROUTING = {
  targets: { 'payments-email': { type: 'email', settings: { ALERT_EMAIL_TO: 'payments-oncall@example.com' } } },
  rules: [{ targets: ['slack'], minSeverity: 'info' }],
  subscribers: [{ name: 'payments-team', topics: ['payments'], targets: ['payments-email'] }],
};

let dir: string;
let sandbox: Awaited<ReturnType<typeof openSandbox>>;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'incident-router-routing-'));
  writeFileSync(join(dir, 'routing.json'), JSON.stringify(ROUTING));
  sandbox = await openSandbox({ ROUTING_FILE: join(dir, 'routing.json') });
  page = sandbox.page;
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("adds a topic's subscribers to the preview when the topic is picked, and delivers to them", async () => {
  await page.fill('#composer', '/incident card payments declined');
  await page.press('#composer', 'Enter');
  const preview = page.locator('.modal .b-section', { hasText: 'Will notify' });
  await page.selectOption('#in-severity', 'info');
  await expect.poll(() => preview.innerText()).toBe('Will notify: 1 target\n• slack (slack): rule 1: every severity');

  await page.selectOption('#in-topic', 'payments');
  await expect.poll(() => preview.innerText()).toBe('Will notify: 2 targets\n• slack (slack): rule 1: every severity\n• payments-email (email): payments-team follows payments');
  expect(await page.inputValue('.modal textarea')).toBe('card payments declined');

  await page.click('#modal-submit');
  await page.locator('#overlay').waitFor({ state: 'hidden' });
  await expect.poll(() => page.locator('#thread-body').innerText(), { timeout: 30_000 }).toMatch(/All delivered: 2\/2 channels delivered/);
  const thread = await page.locator('#thread-body').innerText();
  expect(thread).toContain('Topic: payments');
  expect(thread).toContain('✅ payments-email delivered to payments-oncall@example.com');
});
