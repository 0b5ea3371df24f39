import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { finished, submitIncident } from '../support/incidents.js';
import { startProviders, type Providers } from '../support/providers.js';

/**
 * Every incident stays open on the embedded engine, sleeping until its escalation and
 * its buttons' expiry. The engine's queue has a fixed number of delivery slots (1000;
 * 40 here, so that the test is small); sleeping runs must not hold them, or a few dozen
 * open incidents would stall every new one.
 */
let providers: Providers;
let app: AppProcess;

beforeAll(async () => {
  providers = await startProviders();
  app = await startApp({ ...providers.env, WORKFLOW_LOCAL_QUEUE_CONCURRENCY: '40' });
});
afterAll(async () => {
  await app?.stop();
  await providers?.close();
});

it('many open, sleeping incidents do not use up the engine queue: the next ones still go out', async () => {
  // Critical incidents: each sleeps on its escalation (5 min) and its expiry (7 days).
  for (let i = 1; i <= 8; i++) {
    await submitIncident(app.eventsUrl, { severity: 'critical', message: `open incident ${i}` });
    const { replies } = await finished(providers, `open incident ${i}`, 30_000);
    expect(replies.at(-1)).toMatch(/All delivered: 5\/5 channels delivered/);
  }
  expect(app.output()).not.toMatch(/concurrency limit \(40\) reached/);
}, 300_000);
