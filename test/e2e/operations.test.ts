import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../support/app-process.js';
import { setUpEngine, type EngineKind } from '../support/engines.js';
import { finished, outcomesByChannel, submitIncident } from '../support/incidents.js';
import { startProviders } from '../support/providers.js';

/**
 * What an operator relies on: the health check a load balancer polls, and a SIGTERM
 * (a deploy, a scale-down) that lets the delivery in flight finish instead of cutting
 * it off, on both engines.
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

describe.each<EngineKind>(['local', 'postgres'])('operations (%s engine)', (kind) => {
  it('GET /healthz reports the engine (and its database) up', async () => {
    const engine = await setUpEngine(kind);
    cleanup.push(() => engine.drop());
    const providers = await startProviders();
    cleanup.push(() => providers.close());
    const app = await startApp({ ...providers.env, ...engine.env });
    cleanup.push(() => app.stop());

    const response = await fetch(app.eventsUrl.replace(/\/slack\/events$/, '/healthz'));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual(kind === 'postgres' ? { status: 'ok', engine: 'postgres', database: 'up' } : { status: 'ok', engine: 'local' });
    expect(JSON.stringify(body)).not.toContain('postgres://');
  });

  it('on SIGTERM finishes the delivery in flight, exits 0, and a restart completes the run without sending it again', async () => {
    const engine = await setUpEngine(kind);
    cleanup.push(() => engine.drop());
    const providers = await startProviders();
    cleanup.push(() => providers.close());
    const env = { ...providers.env, ...engine.env, DELIVERY_RETRY_BASE_MS: '200' };
    const dataDir = mkdtempSync(join(tmpdir(), 'incident-router-data-'));

    providers.twilio.delayMs = 2_000; // the SMS is in flight when SIGTERM arrives
    const first = await startApp(env, { dataDir });
    cleanup.push(() => first.stop());
    await submitIncident(first.eventsUrl, { severity: 'critical', message: 'sigterm test: deploy mid-incident' });
    await providers.twilio.waitFor((calls) => calls.length >= 1);

    await first.stop();
    expect(first.child.exitCode).toBe(0);
    expect(first.output()).toContain('SIGTERM: stopping');
    expect(first.output()).not.toContain('shutdown deadline passed');

    providers.twilio.delayMs = 0;
    const second = await startApp(env, { dataDir });
    cleanup.push(() => second.stop());
    const { replies } = await finished(providers, 'sigterm test: deploy mid-incident', 60_000);
    expect(replies.at(-1)).toMatch(/5\/5 channels delivered/);
    expect(outcomesByChannel(replies)).toEqual({ slack: 1, email: 1, sms: 1, pagerduty: 1, webhook: 1 });
    // The SMS that was in flight finished before the exit: it is not sent a second time.
    expect(providers.twilio.calls).toHaveLength(1);
  });
});
