import { afterEach, expect, it } from 'vitest';
import { startApp } from '../support/app-process.js';
import { setUpEngine } from '../support/engines.js';
import { finished, outcomesByChannel, replies, rootFor, submitIncident } from '../support/incidents.js';
import { startPrivatePostgres } from '../support/private-postgres.js';
import { startProviders } from '../support/providers.js';

/**
 * Reliability 4: PostgreSQL restarts while runs are in flight (on a private server,
 * so the shared one is not disturbed). The runs complete afterwards; nothing is lost.
 *
 * The restart hits while each incident's SMS delivery is executing and the rest of
 * its work is done. (A restart in the very instant the engine records a step's
 * completion leaves the step done but unrecorded in the run's events: the engine
 * writes the two non-atomically. unrecorded-completion.test.ts covers that repair.)
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

it('completes in-flight runs after a database restart', async () => {
  const server = await startPrivatePostgres();
  cleanup.push(() => server.stop());
  const engine = await setUpEngine('postgres', server.url);
  cleanup.push(() => engine.drop());
  const providers = await startProviders();
  cleanup.push(() => providers.close());
  providers.twilio.delayMs = 4_000; // SMS still in flight when the database goes away
  const app = await startApp({ ...providers.env, ...engine.env, DELIVERY_RETRY_BASE_MS: '200' });
  cleanup.push(() => app.stop());

  const messages = ['db restart one: queue stuck', 'db restart two: cache cold', 'db restart three: dns flaky'];
  for (const message of messages) await submitIncident(app.eventsUrl, { severity: 'critical', message });
  // Every incident has reported its four fast channels (in the thread and on the root
  // message) and is waiting for its SMS.
  const roots = await Promise.all(messages.map((message) => rootFor(providers, message)));
  await providers.slack.waitFor(() =>
    roots.every((root) => JSON.stringify(root.blocks).includes('4/5 delivered') && Object.keys(outcomesByChannel(replies(providers, root))).length === 4),
  );
  expect(providers.twilio.calls).toHaveLength(3);

  await server.restart();
  providers.twilio.delayMs = 0;

  for (const message of messages) {
    const { replies: thread } = await finished(providers, message, 90_000);
    expect(thread.at(-1)).toMatch(/5\/5 channels delivered/);
    expect(Object.keys(outcomesByChannel(thread)).sort()).toEqual(['email', 'pagerduty', 'slack', 'sms', 'webhook']);
  }
  // The same process recovered: no crash, no restart.
  expect(app.child.exitCode).toBeNull();
  expect(app.output()).toContain('job runner restarted');
  const health = await fetch(app.eventsUrl.replace('/slack/events', '/healthz'));
  expect(health.status).toBe(200);
});
