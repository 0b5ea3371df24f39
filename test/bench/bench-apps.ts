import { startApp, type AppProcess } from '../support/app-process.js';
import type { Providers } from '../support/providers.js';
import { TEST_SECRETS } from '../support/providers.js';
import type { RecordedCall } from '../support/stand-in.js';
import { signedPost, viewSubmissionBody } from '../support/slack-requests.js';

/** One or more replicas of the app, sharing an engine; requests are spread round-robin. */
export interface Replicas {
  apps: AppProcess[];
  /** Events URL of the next replica in turn. */
  nextUrl(): string;
  stop(): Promise<void>;
}

export async function startReplicas(count: number, env: Record<string, string>, cpuProfileDir?: string): Promise<Replicas> {
  // `BENCH_CPU_PROF=<dir>`: each app process writes a V8 CPU profile there when it exits.
  const nodeArgs = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const apps = await Promise.all(Array.from({ length: count }, () => startApp(env, { nodeArgs })));
  let turn = 0;
  return {
    apps,
    nextUrl: () => apps[turn++ % apps.length]!.eventsUrl,
    stop: async () => {
      await Promise.all(apps.map((app) => app.stop()));
    },
  };
}

/** The app's environment for a critical incident to go to 4 channels: no webhook configured. */
export function fourChannelEnv(providers: Providers): Record<string, string> {
  const { ALERT_WEBHOOK_URL: _url, ALERT_WEBHOOK_SECRET: _secret, ...env } = providers.env;
  return env;
}

/**
 * Forgets recorded calls and makes every delivery provider answer after `delayMs`:
 * SendGrid, Twilio, PagerDuty and Slack's post to the alerts channel. Slack's other
 * calls (the incident's root message and thread) answer at once.
 */
export function resetProviders(providers: Providers, delayMs: number): void {
  providers.reset();
  providers.sendgrid.delayMs = delayMs;
  providers.twilio.delayMs = delayMs;
  providers.pagerduty.delayMs = delayMs;
  providers.slack.delayMs = (call) => (isAlertsChannelPost(providers, call) ? delayMs : 0);
}

export function isAlertsChannelPost(providers: Providers, call: RecordedCall): boolean {
  return call.path.startsWith('/api/chat.postMessage') && call.body.channel === providers.env.ALERT_SLACK_CHANNEL;
}

/** The submission of the incident modal, as Slack sends it; resolves with the ack. */
export async function submit(url: string, message: string): Promise<void> {
  const response = await signedPost(url, viewSubmissionBody({ severity: 'critical', message }), {
    secret: TEST_SECRETS.SLACK_SIGNING_SECRET,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`view_submission answered ${response.status}`);
}

/** A Slack call that posts the final summary of an incident's thread. */
export function isSummaryPost(call: RecordedCall): boolean {
  return call.path.startsWith('/api/chat.postMessage') && Boolean(call.body.thread_ts) && /Run `wrun_/.test(String(call.body.text ?? ''));
}

/**
 * A root-message update that shows every target delivered (`… — 4/4 delivered`). It can
 * come after the summary (the last results and the summary share a batch), so Slack
 * calls are counted once it is in.
 */
export function isFinalRootUpdate(call: RecordedCall, rootTs?: string): boolean {
  return (
    call.path.startsWith('/api/chat.update') &&
    (rootTs === undefined || call.body.ts === rootTs) &&
    /(\d+)\/\1 delivered/.test(JSON.stringify(call.body.blocks ?? ''))
  );
}

/** Slack Web API calls counted by method, e.g. `{ 'chat.postMessage': 8 }`. */
export function slackCallsByMethod(calls: readonly RecordedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const method = call.path.replace(/^\/api\//, '').split('?')[0]!;
    counts[method] = (counts[method] ?? 0) + 1;
  }
  return counts;
}
