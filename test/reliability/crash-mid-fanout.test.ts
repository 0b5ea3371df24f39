import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { setUpEngine, type EngineKind, type TestEngine } from '../support/engines.js';
import { finished, incidentIdOf, outcomesByChannel, replies, rootFor, submitIncident } from '../support/incidents.js';
import { startProviders, type Providers } from '../support/providers.js';

/**
 * Reliability 1: the only process is SIGKILLed in the middle of a fan-out and started
 * again. Nothing is lost, nothing delivered before the kill is sent again, and the
 * thread reports each channel exactly once.
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

describe.each<EngineKind>(['local', 'postgres'])('crash mid-fan-out (%s engine)', (kind) => {
  it('resumes after SIGKILL and a restart, delivering every channel once in the thread', async () => {
    const engine: TestEngine = await setUpEngine(kind);
    cleanup.push(() => engine.drop());
    const providers: Providers = await startProviders();
    cleanup.push(() => providers.close());
    // Four channels: no webhook.
    const { ALERT_WEBHOOK_URL: _u, ALERT_WEBHOOK_SECRET: _s, ...channels } = providers.env;
    const env = { ...channels, ...engine.env, DELIVERY_RETRY_BASE_MS: '200' };
    const dataDir = mkdtempSync(join(tmpdir(), 'incident-router-data-'));

    providers.twilio.delayMs = 5_000; // SMS is slow: it is in flight when the process dies
    let app: AppProcess = await startApp(env, { dataDir });
    cleanup.push(() => app.stop());

    await submitIncident(app.eventsUrl, { severity: 'critical', message: 'crash test: checkout down' });
    const root = await rootFor(providers, 'crash test: checkout down');
    await providers.slack.waitFor(() => replies(providers, root).filter((t) => t.startsWith('✅')).length >= 3);
    await providers.twilio.waitFor((calls) => calls.length >= 1);
    const deliveredBeforeKill = Object.keys(outcomesByChannel(replies(providers, root))).sort();
    expect(deliveredBeforeKill).toEqual(['email', 'pagerduty', 'slack']);

    await app.kill();
    providers.twilio.delayMs = 0;
    app = await startApp(env, { dataDir });

    const { replies: thread } = await finished(providers, 'crash test: checkout down', 90_000);
    expect(outcomesByChannel(thread)).toEqual({ slack: 1, email: 1, pagerduty: 1, sms: 1 });
    expect(thread.filter((t) => t.startsWith('Routing '))).toHaveLength(1);
    expect(thread.at(-1)).toMatch(/4\/4 channels delivered/);
    await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('4/4 delivered'));

    // Delivered before the kill: not sent again.
    expect(providers.sendgrid.calls).toHaveLength(1);
    expect(providers.pagerduty.calls).toHaveLength(1);
    expect(providers.pagerduty.calls[0]!.body.dedup_key).toBe(incidentIdOf(root));
    expect(providers.slack.messages.filter((m) => m.channel === 'C0ALERTS01')).toHaveLength(1);
    // In flight at the kill: sent again after the restart (at-least-once).
    expect(providers.twilio.calls.length).toBeGreaterThanOrEqual(2);
  });
});
