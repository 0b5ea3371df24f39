import { afterEach, expect, it } from 'vitest';
import { startApp } from '../support/app-process.js';
import { setUpEngine } from '../support/engines.js';
import { finished, replies, rootFor, submitIncident } from '../support/incidents.js';
import { startProviders } from '../support/providers.js';

/**
 * Reliability 3: SendGrid answers 503 for a while, then recovers. The email goes out
 * after the recovery, within the retry budget, backing off between attempts; every
 * other channel is delivered on time, unaffected.
 *
 * The production budget is 12 attempts, 1 s · 2^n apart capped at 5 min: about 18.5
 * minutes of outage. Here the schedule is scaled down 5× (DELIVERY_RETRY_BASE_MS=200)
 * and the outage is 4 s, i.e. a 20 s outage at production speed.
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

it('delivers after a provider outage ends, without holding up the other channels', async () => {
  const engine = await setUpEngine('postgres');
  cleanup.push(() => engine.drop());
  const providers = await startProviders();
  cleanup.push(() => providers.close());
  const app = await startApp({ ...providers.env, ...engine.env, DELIVERY_RETRY_BASE_MS: '200' });
  cleanup.push(() => app.stop());

  const outageMs = 4_000;
  const outageEnds = Date.now() + outageMs;
  const duringOutage = () => Date.now() < outageEnds;
  providers.sendgrid.script(duringOutage, ...Array.from({ length: 50 }, () => ({ status: 503, body: { errors: [{ message: 'Service Unavailable' }] } })));

  await submitIncident(app.eventsUrl, { severity: 'critical', message: 'outage test: payments failing' });
  const root = await rootFor(providers, 'outage test: payments failing');

  // The other four channels are reported while SendGrid is still down.
  await providers.slack.waitFor(() => replies(providers, root).filter((t) => t.startsWith('✅')).length >= 4);
  expect(Date.now()).toBeLessThan(outageEnds);
  expect(replies(providers, root).some((t) => t.startsWith('✅ *email*'))).toBe(false);

  const { replies: thread } = await finished(providers, 'outage test: payments failing', 60_000);
  const email = thread.find((t) => t.startsWith('✅ *email*'))!;
  expect(email).toMatch(/\(on attempt \d+\)$/);
  expect(thread.at(-1)).toMatch(/5\/5 channels delivered/);

  // Attempts backed off instead of hammering the provider: at a fixed 200 ms a 4 s
  // outage would take about 20 attempts; with backoff it takes a handful, further and
  // further apart (the engine schedules retries in whole seconds, so early ones round up).
  const times = providers.sendgrid.calls.map((c) => c.at);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  expect(times.length).toBeGreaterThanOrEqual(3);
  expect(times.length).toBeLessThanOrEqual(7);
  expect(gaps.at(-1)!).toBeGreaterThan(gaps[0]!);
  expect(times.at(-1)!).toBeGreaterThanOrEqual(outageEnds);
  console.log(`provider outage: ${outageMs} ms outage survived; email delivered on attempt ${times.length}, gaps ${gaps.join(', ')} ms`);
});
