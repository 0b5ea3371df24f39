import type { Providers } from '../support/providers.js';
import { isSummaryPost, resetProviders, slackCallsByMethod, submit, type Replicas } from './bench-apps.js';
import type { BenchSizes } from './sizes.js';
import { distribution, median, processStats, type Distribution } from './stats.js';

/** Section 3: incidents submitted back to back, each as soon as the previous one is acked. */
export interface ThroughputResult {
  incidents: number;
  completed: number;
  submitSeconds: number;
  /** First submission to last summary reply. */
  elapsedSeconds: number;
  perSecond: number;
  /** Submission to the incident's last thread reply. */
  latency: Distribution;
  /** Median latency of the first and the last quarter of incidents: a growing backlog shows as a rising figure. */
  firstQuarterP50: number;
  lastQuarterP50: number;
  /** Completions per second in the first and second half of the completions. */
  firstHalfRate: number;
  secondHalfRate: number;
  /** Summed over the replicas; peak RSS is the largest replica's. */
  peakRssMb: number;
  cpuSeconds: number;
  /** Slack calls per incident, by method, averaged over the run. */
  slackCallsPerIncident: Record<string, number>;
}

export async function measureThroughput(providers: Providers, replicas: Replicas, sizes: BenchSizes): Promise<ThroughputResult> {
  const n = sizes.throughputIncidents;
  resetProviders(providers, sizes.providerDelayMs);
  const cpuBefore = replicas.apps.reduce((sum, app) => sum + processStats(app.child.pid!).cpuSeconds, 0);
  const submittedAt: number[] = [];
  const started = Date.now();
  for (let i = 0; i < n; i++) {
    submittedAt.push(Date.now());
    await submit(replicas.nextUrl(), `bench load ${i}x`);
  }
  const submitSeconds = (Date.now() - started) / 1000;
  const summaries = () => providers.slack.calls.filter(isSummaryPost);
  const timeoutMs = Math.max(30_000, n * 1_000);
  await providers.slack.waitFor(() => summaries().length >= n, timeoutMs).catch(() => undefined); // reported as incomplete
  const stats = replicas.apps.map((app) => processStats(app.child.pid!));

  // Which incident each summary belongs to: root message → its thread's summary.
  const doneAt = new Map<string, number>(summaries().map((c) => [String(c.body.thread_ts), c.at]));
  const latencies: number[] = [];
  const completions: number[] = [];
  const perIncident: Array<number | undefined> = [];
  for (const root of providers.slack.messages) {
    const match = /bench load (\d+)x/.exec(JSON.stringify(root.blocks ?? ''));
    if (root.thread_ts || !match || root.blocks?.[0]?.type !== 'header') continue;
    const at = doneAt.get(root.ts);
    if (at === undefined) continue;
    perIncident[Number(match[1])] = at - submittedAt[Number(match[1])]!;
    completions.push(at);
  }
  for (const value of perIncident) if (value !== undefined) latencies.push(value);
  completions.sort((a, b) => a - b);
  const quarter = Math.max(1, Math.floor(n / 4));
  const ordered = perIncident.filter((v): v is number => v !== undefined);
  const half = Math.floor(completions.length / 2);
  const rate = (from: number, to: number, count: number) => (to > from ? (count / (to - from)) * 1000 : Number.NaN);
  const elapsedSeconds = ((completions.at(-1) ?? Date.now()) - started) / 1000;
  const methods = slackCallsByMethod(providers.slack.calls);
  return {
    incidents: n,
    completed: completions.length,
    submitSeconds,
    elapsedSeconds,
    perSecond: completions.length / elapsedSeconds,
    latency: distribution(latencies),
    firstQuarterP50: median(ordered.slice(0, quarter)),
    lastQuarterP50: median(ordered.slice(-quarter)),
    firstHalfRate: rate(started, completions[half - 1] ?? started, half),
    secondHalfRate: rate(completions[half - 1] ?? started, completions.at(-1) ?? started, completions.length - half),
    peakRssMb: Math.max(...stats.map((s) => s.peakRssMb)),
    cpuSeconds: stats.reduce((sum, s) => sum + s.cpuSeconds, 0) - cpuBefore,
    slackCallsPerIncident: Object.fromEntries(Object.entries(methods).map(([method, count]) => [method, count / n])),
  };
}
