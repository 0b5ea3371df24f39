import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { startProviders, TEST_SECRETS, type Providers } from '../support/providers.js';
import { signedPost, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';

/**
 * Measures, not tests: `npm run measure` prints the /incident ack latency and the time
 * from modal submit to the last thread reply, against stand-ins that answer at once.
 * Figures depend on the machine; compare runs side by side, not across machines.
 */
let providers: Providers;
let app: AppProcess;
const secret = TEST_SECRETS.SLACK_SIGNING_SECRET;

beforeAll(async () => {
  providers = await startProviders();
  // Four channels for a critical incident: no webhook configured.
  const { ALERT_WEBHOOK_URL: _url, ALERT_WEBHOOK_SECRET: _secret, ...env } = providers.env;
  app = await startApp(env);
});
afterAll(async () => {
  await app?.stop();
  await providers?.close();
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${label}: n=${sorted.length} p50=${fmt(percentile(sorted, 50))} p99=${fmt(percentile(sorted, 99))} max=${fmt(sorted.at(-1)!)}`;
}

async function timedCommand(): Promise<number> {
  const body = slashCommandBody({ text: 'latency probe' });
  const started = performance.now();
  const response = await signedPost(app.eventsUrl, body, { secret });
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return performance.now() - started;
}

it('ack latency of signed /incident commands', async () => {
  for (let i = 0; i < 20; i++) await timedCommand(); // warm-up
  const sequential: number[] = [];
  for (let i = 0; i < 300; i++) sequential.push(await timedCommand());
  const concurrent: number[] = [];
  for (let round = 0; round < 15; round++) concurrent.push(...(await Promise.all(Array.from({ length: 20 }, timedCommand))));
  console.log(summary('ack, sequential', sequential));
  console.log(summary('ack, 20 concurrent', concurrent));
});

it('submit to last thread reply, critical incident, 4 channels, instant stand-ins', async () => {
  const samples: Array<{ lastDelivery: number; lastReply: number }> = [];
  for (let i = 0; i < 11; i++) {
    providers.reset();
    const started = Date.now();
    const response = await signedPost(app.eventsUrl, viewSubmissionBody({ severity: 'critical', message: `measure ${i}` }), { secret });
    expect(response.status).toBe(200);
    const root = await providers.slack.waitFor(() => providers.slack.messages.find((m) => m.channel === 'C0INCIDENT' && !m.thread_ts));
    await providers.slack.waitFor(() => providers.slack.thread(root.ts).find((m) => /Run `wrun_/.test(m.text ?? '')));
    const replies = providers.slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.thread_ts === root.ts);
    const deliveries = [
      ...providers.sendgrid.calls,
      ...providers.twilio.calls,
      ...providers.pagerduty.calls,
      ...providers.slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0ALERTS01'),
    ];
    expect(deliveries).toHaveLength(4);
    samples.push({
      lastDelivery: Math.max(...deliveries.map((c) => c.at)) - started,
      lastReply: Math.max(...replies.map((c) => c.at)) - started,
    });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`submit → last provider call: median ${median(samples.map((s) => s.lastDelivery))} ms over ${samples.length} incidents`);
  console.log(`submit → last thread reply:  median ${median(samples.map((s) => s.lastReply))} ms over ${samples.length} incidents`);
  const calls = providers.slack.calls.reduce<Record<string, number>>((acc, c) => ((acc[c.path] = (acc[c.path] ?? 0) + 1), acc), {});
  console.log(`Slack calls for the last incident: ${JSON.stringify(calls)}`);
});
