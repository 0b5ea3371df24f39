import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandbox } from '../support/browser.js';

/**
 * The sandbox as a newcomer uses it: the built app started with `--sandbox` (as
 * `npm run sandbox` does), a real headless Chromium on its page, and every step taken
 * by typing and clicking. The page's signed requests go to the app's real receiver.
 */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const CHANNELS = ['slack', 'email', 'sms', 'pagerduty', 'webhook'];

let sandbox: Awaited<ReturnType<typeof openSandbox>>;
let page: Page;

beforeAll(async () => {
  sandbox = await openSandbox({ DELIVERY_RETRY_BASE_MS: '200' });
  page = sandbox.page;
});
afterAll(async () => {
  await sandbox?.close();
});

/** Types `/incident …`, fills the modal and sends it; resolves once the modal is gone. */
async function reportIncident(severity: string, message: string): Promise<void> {
  await page.locator('nav a', { hasText: 'incidents' }).click();
  await page.fill('#composer', `/incident ${message.split('\n')[0]}`);
  await page.press('#composer', 'Enter');
  await page.locator('.modal select').waitFor({ state: 'visible' });
  await page.selectOption('.modal select', severity);
  await page.fill('.modal textarea', message);
  await page.click('#modal-submit');
  await page.locator('#overlay').waitFor({ state: 'hidden' });
}

/** The open thread's text once it holds the final summary of the incident `message`. */
async function finishedThread(message: string): Promise<string> {
  const thread = page.locator('#thread-body');
  await expect.poll(() => thread.innerText(), { timeout: 30_000 }).toMatch(new RegExp(`${message}[\\s\\S]*channels delivered`));
  return thread.innerText();
}

describe('sandbox page in a browser', () => {
  it('opens the modal from /incident, shows validation errors inline, and fills the thread with every channel', async () => {
    await page.fill('#composer', '/incident db latency is spiking');
    await page.press('#composer', 'Enter');
    await page.locator('.modal select').waitFor({ state: 'visible' });
    expect(await page.inputValue('.modal textarea')).toBe('db latency is spiking');

    // Nothing chosen, nothing typed: the app answers response_action "errors".
    await page.fill('.modal textarea', '');
    await page.click('#modal-submit');
    await expect.poll(() => page.locator('.field-error').allInnerTexts()).toEqual(['Pick a severity.', 'Describe what is happening.']);

    await page.selectOption('.modal select', 'critical');
    await page.fill('.modal textarea', 'checkout fails for EU users');
    await page.click('#modal-submit');
    await page.locator('#overlay').waitFor({ state: 'hidden' });

    const thread = await finishedThread('checkout fails for EU users');
    expect(thread).toContain('CRITICAL · INC-');
    for (const channel of CHANNELS) expect(thread).toMatch(new RegExp(`✅ ${channel} delivered to`));
    expect(thread).toContain('slack delivered to #alerts');
    expect(thread).toMatch(/All delivered: 5\/5 channels delivered/);
    // The root message was updated in place (chat.update) as results landed.
    await expect.poll(() => page.locator('#timeline .message').last().innerText()).toContain('5/5 delivered');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}sandbox.png` });

    await page.locator('nav a', { hasText: 'alerts' }).click();
    await expect.poll(() => page.locator('#timeline').innerText()).toContain('checkout fails for EU users');
  });

  it('reports an SMS the user made fail (4xx) in the thread, and the others still deliver', async () => {
    await page.click('#nav-outbox');
    const sms = page.locator('.card[data-channel="sms"]');
    await sms.locator('select[name="kind"]').selectOption('4xx');
    await sms.locator('input[name="count"]').fill('1');
    await sms.locator('button[type="submit"]').click();
    await expect.poll(() => sms.locator('.failing').innerText()).toBe('next 1 answer: 4xx');

    await reportIncident('critical', 'sms gateway drill');
    const thread = await finishedThread('sms gateway drill');
    expect(thread).toMatch(/❌ sms failed: Twilio answered 400 Bad Request: error 21211 Invalid 'To' Phone Number/);
    for (const channel of CHANNELS.filter((c) => c !== 'sms')) expect(thread).toMatch(new RegExp(`✅ ${channel} delivered`));
    expect(thread).toMatch(/Delivery finished with failures: 4\/5 channels delivered; failed: sms/);
    await page.screenshot({ path: `${ARTIFACTS}sandbox-sms-failure.png` });

    await page.click('#nav-outbox');
    await expect.poll(() => sms.locator('.item').first().innerText()).toMatch(/^400/);
    expect(await sms.locator('.failing').count()).toBe(0);
  });

  it('drives the lifecycle from the root message buttons: retry the failed SMS, acknowledge, resolve', async () => {
    await page.locator('nav a', { hasText: 'incidents' }).click();
    const root = page.locator('#timeline .message', { hasText: 'sms gateway drill' }).last();
    const thread = page.locator('#thread-body');
    await root.locator('button', { hasText: 'Retry failed' }).click();
    await expect.poll(() => thread.innerText(), { timeout: 30_000 }).toMatch(/✅ sms delivered to .*\(retry\)/);
    await expect.poll(() => root.innerText()).toContain('5/5 delivered');
    expect(await root.locator('button.b-button', { hasText: 'Retry failed' }).count()).toBe(0);

    await root.locator('button', { hasText: 'Acknowledge' }).click();
    await expect.poll(() => thread.innerText(), { timeout: 30_000 }).toMatch(/Acknowledged by @you at \d\d:\d\d UTC/);
    await expect.poll(() => root.innerText()).toMatch(/Acknowledged by @you/);

    page.once('dialog', (dialog) => void dialog.accept());
    await root.locator('button', { hasText: 'Resolve' }).click();
    await expect.poll(() => thread.innerText(), { timeout: 30_000 }).toMatch(/Resolved by @you at \d\d:\d\d UTC/);
    await expect.poll(() => root.locator('button.b-button').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}sandbox-lifecycle.png` });
  });

  it('previews who will be notified as severity and All hands change, and broadcasts to every channel', async () => {
    await page.locator('nav a', { hasText: 'incidents' }).click();
    await page.fill('#composer', '/incident all hands drill');
    await page.press('#composer', 'Enter');
    const preview = page.locator('.modal .b-section', { hasText: 'Will notify' });
    await expect.poll(() => preview.innerText()).toBe('Will notify: pick a severity to see who.');
    // Typed before the change: the views.update that redraws the preview must keep it.
    await page.fill('.modal textarea', 'all hands drill: status page down');

    // Each change is a signed block_actions from the view; the app answers views.update.
    await page.selectOption('.modal select', 'info');
    await expect.poll(() => preview.innerText()).toMatch(/^Will notify: 2 targets\n• slack \(slack\): rule 1: every severity\n• webhook \(webhook\)/);
    await page.selectOption('.modal select', 'critical');
    await expect.poll(() => preview.innerText()).toMatch(/^Will notify: 5 targets\n/);
    for (const channel of CHANNELS) expect(await preview.innerText()).toContain(`• ${channel} (${channel})`);
    await page.selectOption('.modal select', 'info');
    await expect.poll(() => preview.innerText()).toMatch(/^Will notify: 2 targets\n/);

    const allHands = page.locator('.modal input[type="checkbox"]');
    expect(await page.locator('.modal .b-input', { has: page.locator('input[type="checkbox"]') }).innerText()).toContain('📣 Broadcast to every configured target');
    await allHands.check();
    await expect.poll(() => preview.innerText()).toMatch(/^Will notify: 📣 every configured target, 5 targets\n/);
    expect(await allHands.isChecked()).toBe(true);
    expect(await page.inputValue('.modal select')).toBe('info');
    expect(await page.inputValue('.modal textarea')).toBe('all hands drill: status page down');
    await page.screenshot({ path: `${ARTIFACTS}sandbox-broadcast-preview.png` });

    await page.click('#modal-submit');
    await page.locator('#overlay').waitFor({ state: 'hidden' });
    // Info alone goes to slack and webhook; broadcast sends it to every configured channel.
    const thread = await finishedThread('all hands drill: status page down');
    expect(thread).toContain('INFO · INC-');
    for (const channel of CHANNELS) expect(thread).toMatch(new RegExp(`✅ ${channel} delivered to`));
    expect(thread).toMatch(/All delivered: 5\/5 channels delivered/);
    const root = page.locator('#timeline .message', { hasText: 'all hands drill: status page down' }).last();
    await expect.poll(() => root.innerText()).toContain('📣 BROADCAST to every configured target');
  });

  it('shows a <!channel> typed into an incident as text: no broadcast', async () => {
    await reportIncident('info', '<!channel> & <@U0SANDBOX1> are just words here');
    await finishedThread('are just words here');
    const root = page.locator('#timeline .message').last();
    expect(await root.locator('.b-section').first().innerText()).toBe('<!channel> & <@U0SANDBOX1> are just words here');
    expect(await root.locator('.mention.broadcast').count()).toBe(0);
  });

  it('posts what the person types as their message, and answers an unknown command only to them', async () => {
    await page.locator('nav a', { hasText: 'incidents' }).click();
    await page.fill('#composer', 'hello <!here>');
    await page.press('#composer', 'Enter');
    await page.fill('#composer', '/page-everyone now');
    await page.press('#composer', 'Enter');
    const note = page.locator('#timeline .message.ephemeral').last();
    await expect.poll(() => note.innerText()).toContain('/page-everyone is not a valid command');
    expect(await note.innerText()).toContain('Only visible to you');
    const mine = page.locator('#timeline .message', { hasText: 'hello <!here>' });
    expect(await mine.locator('.who').innerText()).toMatch(/^you/);
    expect(await mine.locator('.mention').count()).toBe(0);
  });
});
