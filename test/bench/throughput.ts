import pg from 'pg';
import type { Providers } from '../support/providers.js';
import { isFinalRootUpdate, isSummaryPost, resetProviders, slackCallsByMethod, submit, type Replicas } from './bench-apps.js';
import { distribution, median, processStats, type Distribution } from './stats.js';

/**
 * Section 3: many critical incidents. A burst submits each one as soon as the previous
 * one is acked; a paced run submits at a fixed rate, to see whether the app keeps up.
 */
export interface LoadResult {
  incidents: number;
  completed: number;
  /** Submission rate asked for; undefined for a burst. */
  pacePerSecond?: number;
  submitSeconds: number;
  /** First submission to last summary reply. */
  elapsedSeconds: number;
  perSecond: number;
  /** Submission to the incident's last thread reply. */
  latency: Distribution;
  /** Median latency of the first and the last quarter of incidents, in submission order. */
  firstQuarterP50: number;
  lastQuarterP50: number;
  /** The largest replica's high-water mark since it started. */
  peakRssMb: number;
  /** Replicas' user + system CPU during the run. */
  cpuSeconds: number;
  /** Engine rows written per incident (Postgres only): event log entries and steps. */
  engineRowsPerIncident?: { events: number; steps: number };
  /** Slack calls per incident, by method, averaged over the run. */
  slackCallsPerIncident: Record<string, number>;
}

/** Rows the engine has written: its event log and step records (Postgres only). */
async function engineRows(databaseUrl: string | undefined): Promise<{ events: number; steps: number } | undefined> {
  if (!databaseUrl) return undefined;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string; steps: string }>(
      'select (select count(*) from workflow.workflow_events) as events, (select count(*) from workflow.workflow_steps) as steps',
    );
    return { events: Number(rows[0]!.events), steps: Number(rows[0]!.steps) };
  } finally {
    await client.end();
  }
}

export async function measureLoad(
  providers: Providers,
  replicas: Replicas,
  options: { incidents: number; providerDelayMs: number; pacePerSecond?: number; label: string; databaseUrl?: string },
): Promise<LoadResult> {
  const n = options.incidents;
  resetProviders(providers, options.providerDelayMs);
  const cpuBefore = replicas.apps.reduce((sum, app) => sum + processStats(app.child.pid!).cpuSeconds, 0);
  const rowsBefore = await engineRows(options.databaseUrl);
  const submittedAt: number[] = [];
  const started = Date.now();
  for (let i = 0; i < n; i++) {
    if (options.pacePerSecond) {
      const due = started + (i * 1000) / options.pacePerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    submittedAt.push(Date.now());
    await submit(replicas.nextUrl(), `bench ${options.label} ${i}x`);
  }
  const submitSeconds = (Date.now() - started) / 1000;
  const summaries = () => providers.slack.calls.filter(isSummaryPost);
  await providers.slack.waitFor(() => summaries().length >= n, Math.max(30_000, n * 1_000)).catch(() => undefined); // reported as incomplete
  // Each incident's last root update can follow its summary; the run is done once they are in.
  const finalUpdates = () => new Set(providers.slack.calls.filter((c) => isFinalRootUpdate(c)).map((c) => c.body.ts)).size;
  await providers.slack.waitFor(() => finalUpdates() >= summaries().length, 30_000).catch(() => undefined);
  const stats = replicas.apps.map((app) => processStats(app.child.pid!));
  const rowsAfter = await engineRows(options.databaseUrl);

  // Which incident each summary belongs to: root message → its thread's summary.
  const doneAt = new Map<string, number>(summaries().map((c) => [String(c.body.thread_ts), c.at]));
  const pattern = new RegExp(`bench ${options.label} (\\d+)x`);
  const perIncident: Array<number | undefined> = [];
  const completions: number[] = [];
  for (const root of providers.slack.messages) {
    const match = pattern.exec(JSON.stringify(root.blocks ?? ''));
    const at = doneAt.get(root.ts);
    if (root.thread_ts || !match || root.blocks?.[0]?.type !== 'header' || at === undefined) continue;
    perIncident[Number(match[1])] = at - submittedAt[Number(match[1])]!;
    completions.push(at);
  }
  const ordered = perIncident.filter((v): v is number => v !== undefined);
  const quarter = Math.max(1, Math.floor(n / 4));
  const elapsedSeconds = (Math.max(...completions, started) - started) / 1000;
  const methods = slackCallsByMethod(providers.slack.calls);
  return {
    incidents: n,
    completed: completions.length,
    pacePerSecond: options.pacePerSecond,
    submitSeconds,
    elapsedSeconds,
    perSecond: completions.length / elapsedSeconds,
    latency: distribution(ordered),
    firstQuarterP50: median(ordered.slice(0, quarter)),
    lastQuarterP50: median(ordered.slice(-quarter)),
    peakRssMb: Math.max(...stats.map((s) => s.peakRssMb)),
    cpuSeconds: stats.reduce((sum, s) => sum + s.cpuSeconds, 0) - cpuBefore,
    ...(rowsBefore && rowsAfter
      ? { engineRowsPerIncident: { events: (rowsAfter.events - rowsBefore.events) / n, steps: (rowsAfter.steps - rowsBefore.steps) / n } }
      : {}),
    slackCallsPerIncident: Object.fromEntries(Object.entries(methods).map(([method, count]) => [method, count / n])),
  };
}
