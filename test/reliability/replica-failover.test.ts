import { afterEach, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { setUpEngine } from '../support/engines.js';
import { finished, outcomesByChannel, submitIncident } from '../support/incidents.js';
import { startProviders, twilioStandIn } from '../support/providers.js';

/**
 * Reliability 2: two replicas share one PostgreSQL database; incidents come in
 * through both; the replica executing an SMS delivery is SIGKILLed. The survivor
 * finishes every run on its own, with no restart of anything.
 *
 * Bound: lock recovery frees a dead replica's job once it has been locked for 15 s
 * with no live heartbeat claiming it (checked every 2 s), then the survivor picks it
 * up (poll 0.5 s). So recovery should take 15–20 s after the job was locked; the test
 * allows 45 s.
 */
const RECOVERY_BOUND_MS = 45_000;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

it('the surviving replica finishes the dead replica’s deliveries without any restart', async () => {
  const engine = await setUpEngine('postgres');
  cleanup.push(() => engine.drop());
  const providers = await startProviders();
  cleanup.push(() => providers.close());
  // Each replica texts through its own Twilio stand-in: the one that receives the
  // SMS tells which replica is executing the delivery.
  const smsA = await twilioStandIn().start();
  const smsB = await twilioStandIn().start();
  cleanup.push(() => smsA.close(), () => smsB.close());
  smsA.delayMs = 4_000;
  smsB.delayMs = 4_000;

  const base = { ...providers.env, ...engine.env, DELIVERY_RETRY_BASE_MS: '200' };
  const replicaA: AppProcess = await startApp({ ...base, TWILIO_API_URL: smsA.url });
  const replicaB: AppProcess = await startApp({ ...base, TWILIO_API_URL: smsB.url });
  cleanup.push(() => replicaA.stop(), () => replicaB.stop());

  await submitIncident(replicaA.eventsUrl, { severity: 'critical', message: 'failover one: api down' });
  await submitIncident(replicaB.eventsUrl, { severity: 'critical', message: 'failover two: db down' });

  // Kill whichever replica is executing an SMS delivery right now.
  const executing = await Promise.race([
    smsA.waitFor((calls) => calls.length > 0 && 'A'),
    smsB.waitFor((calls) => calls.length > 0 && 'B'),
  ]);
  const [victim, survivorSms] = executing === 'A' ? [replicaA, smsB] : [replicaB, smsA];
  await victim.kill();
  const killedAt = Date.now();
  survivorSms.delayMs = 0;

  const one = await finished(providers, 'failover one: api down', RECOVERY_BOUND_MS + 15_000);
  const two = await finished(providers, 'failover two: db down', RECOVERY_BOUND_MS + 15_000);
  const recoveredAfterMs = Date.now() - killedAt;
  console.log(`replica failover: both incidents complete ${recoveredAfterMs} ms after the SIGKILL`);
  expect(recoveredAfterMs).toBeLessThan(RECOVERY_BOUND_MS);

  for (const { replies } of [one, two]) {
    expect(replies.at(-1)).toMatch(/5\/5 channels delivered/);
    for (const count of Object.values(outcomesByChannel(replies))) expect(count).toBe(1);
    expect(Object.keys(outcomesByChannel(replies)).sort()).toEqual(['email', 'pagerduty', 'slack', 'sms', 'webhook']);
  }
  // The survivor sent the SMS the victim could not finish.
  expect(survivorSms.calls.length).toBeGreaterThanOrEqual(1);
  expect(victim.child.signalCode).toBe('SIGKILL');
});
