import { afterEach, expect, it } from 'vitest';
import { startApp } from '../support/app-process.js';
import { setUpEngine } from '../support/engines.js';
import { submitIncident, threadLines } from '../support/incidents.js';
import { startProviders } from '../support/providers.js';

/**
 * Reliability 6: 100 critical incidents submitted within a few seconds through two
 * replicas sharing one database. Every delivery is made, none is duplicated where
 * the provider has an idempotency key, and every thread is complete.
 */
const INCIDENTS = 100;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

it(`delivers ${INCIDENTS} incidents through two replicas, completely and without duplicates`, async () => {
  const engine = await setUpEngine('postgres');
  cleanup.push(() => engine.drop());
  const providers = await startProviders();
  cleanup.push(() => providers.close());
  const env = { ...providers.env, ...engine.env };
  const replicas = await Promise.all([startApp(env), startApp(env)]);
  cleanup.push(...replicas.map((replica) => () => replica.stop()));

  const started = Date.now();
  for (let i = 0; i < INCIDENTS; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        submitIncident(replicas[(i + j) % 2]!.eventsUrl, { severity: 'critical', message: `load test incident #${i + j}` }),
      ),
    );
  }
  const submittedMs = Date.now() - started;

  const summaries = () => providers.slack.messages.filter((m) => m.thread_ts && /Run `wrun_/.test(m.text ?? ''));
  await providers.slack.waitFor(() => summaries().length >= INCIDENTS, 150_000);
  const completedMs = Date.now() - started;
  console.log(`load: ${INCIDENTS} incidents submitted in ${submittedMs} ms, all threads complete after ${completedMs} ms`);

  // Every thread complete: 5/5 delivered, one reply per channel.
  const roots = providers.slack.messages.filter((m) => !m.thread_ts && m.blocks?.[0]?.type === 'header');
  expect(roots).toHaveLength(INCIDENTS);
  for (const root of roots) {
    const texts = threadLines(providers, root);
    expect(texts.filter((t) => /^✅ \*\w+\* delivered/.test(t))).toHaveLength(5);
    expect(texts.at(-1)).toMatch(/5\/5 channels delivered/);
  }
  expect(summaries()).toHaveLength(INCIDENTS);

  // Every delivery made, and none duplicated for the keyed providers.
  const dedupKeys = providers.pagerduty.calls.map((c) => c.body.dedup_key);
  expect(new Set(dedupKeys).size).toBe(INCIDENTS);
  expect(dedupKeys).toHaveLength(INCIDENTS);
  const webhookIds = providers.webhook.calls.map((c) => c.headers['webhook-id']);
  expect(new Set(webhookIds).size).toBe(INCIDENTS);
  expect(webhookIds).toHaveLength(INCIDENTS);
  expect(providers.sendgrid.calls.length).toBeGreaterThanOrEqual(INCIDENTS);
  expect(providers.twilio.calls.length).toBeGreaterThanOrEqual(INCIDENTS);
  expect(providers.slack.messages.filter((m) => m.channel === 'C0ALERTS01')).toHaveLength(INCIDENTS);
});
