import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Providers } from '../support/providers.js';
import type { RecordedCall } from '../support/stand-in.js';
import { rootFor } from '../support/incidents.js';
import { isFinalRootUpdate, isSummaryPost, resetProviders, startReplicas, submit } from './bench-apps.js';
import { parallelTargetsFloor } from './floor-fanout.js';
import type { BenchSizes } from './sizes.js';
import { median } from './stats.js';

/**
 * Section 4: one incident to N routing targets. Each target is a named email target with
 * one recipient (one SendGrid call), and one severity rule routes the critical incident to
 * exactly those N: N durable delivery steps, each replaying the workflow's history.
 */
export interface WidthRow {
  targets: number;
  /** Median ms from the view_submission to the last SendGrid answer and to the last thread reply. */
  lastDelivery: number;
  lastReply: number;
  /** The same N SendGrid calls made in-process at once. */
  floor: number;
  /** Median Slack calls of one incident: thread messages (summary included) and root updates. */
  threadMessages: number;
  rootUpdates: number;
  /** Second copies of an email over the measured runs (at-least-once delivery). */
  duplicates: number;
}

const team = (i: number) => `team-${String(i).padStart(2, '0')}`;
export const widthAddresses = (n: number) => Array.from({ length: n }, (_, i) => `${team(i + 1)}@example.com`);

/** A routing file with N email targets and one rule sending a critical incident to all of them. */
export function widthRouting(n: number): object {
  const names = Array.from({ length: n }, (_, i) => team(i + 1));
  return {
    targets: Object.fromEntries(names.map((name) => [name, { type: 'email', settings: { ALERT_EMAIL_TO: `${name}@example.com` } }])),
    rules: [{ targets: names, minSeverity: 'critical' }],
    // No escalation timer: the run is only the fan-out and its thread.
    escalation: {},
  };
}

export async function measureWidth(
  providers: Providers,
  baseEnv: Record<string, string>,
  replicaCount: number,
  sizes: BenchSizes,
  cpuProfileDir?: string,
): Promise<WidthRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'incident-router-bench-'));
  const rows: WidthRow[] = [];
  try {
    for (const targets of sizes.widths) {
      const routingFile = join(dir, `routing-${targets}.json`);
      writeFileSync(routingFile, JSON.stringify(widthRouting(targets)));
      rows.push(await oneWidth(providers, baseEnv, routingFile, targets, replicaCount, sizes, cpuProfileDir));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function oneWidth(
  providers: Providers,
  baseEnv: Record<string, string>,
  routingFile: string,
  targets: number,
  replicaCount: number,
  sizes: BenchSizes,
  cpuProfileDir: string | undefined,
): Promise<WidthRow> {
  const env = { ...baseEnv, ROUTING_FILE: routingFile };
  const replicas = await startReplicas(replicaCount, env, cpuProfileDir);
  try {
    const runs: Array<Omit<WidthRow, 'targets' | 'floor'>> = [];
    for (let i = 0; i <= sizes.widthRuns; i++) {
      resetProviders(providers, sizes.providerDelayMs);
      const message = `bench width ${targets} run ${i}x`;
      const started = Date.now();
      await submit(replicas.nextUrl(), message);
      const root = await rootFor(providers, message);
      const summary = await providers.slack.waitFor((calls) => calls.find((c) => isSummaryPost(c) && c.body.thread_ts === root.ts), 60_000);
      const emails = providers.sendgrid.callsTo('/v3/mail/send');
      const to = emails.flatMap((c) => c.body.personalizations.flatMap((p: { to: Array<{ email: string }> }) => p.to.map((t) => t.email))).sort();
      // Every target must have its email; a second copy is at-least-once delivery (a step
      // run again after a replica lost track of it) and is counted, not hidden.
      const missing = widthAddresses(targets).filter((address) => !to.includes(address));
      if (missing.length > 0) throw new Error(`width ${targets}: ${missing.length} of ${targets} targets got no email (${missing.slice(0, 3).join(', ')}…)`);
      const duplicates = to.length - targets;
      await providers.slack.waitFor((calls) => calls.some((c) => isFinalRootUpdate(c, root.ts)), 60_000);
      const isRootUpdate = (c: RecordedCall) => c.path.startsWith('/api/chat.update') && c.body.ts === root.ts;
      const slack = providers.slack.calls;
      // Run 0 warms the new process up; it is not counted.
      if (i > 0)
        runs.push({
          lastDelivery: Math.max(...emails.map((c) => c.at)) + sizes.providerDelayMs - started,
          lastReply: summary.at - started,
          threadMessages: slack.filter((c) => c.path.startsWith('/api/chat.postMessage') && c.body.thread_ts === root.ts).length,
          rootUpdates: slack.filter(isRootUpdate).length,
          duplicates,
        });
    }
    resetProviders(providers, sizes.providerDelayMs);
    const floors: number[] = [];
    for (let i = 0; i <= sizes.widthRuns; i++) floors.push(await parallelTargetsFloor('email', 'ALERT_EMAIL_TO', widthAddresses(targets), env, `w${targets}r${i}`));
    const med = (key: keyof (typeof runs)[number]) => median(runs.map((r) => r[key]));
    return {
      targets,
      lastDelivery: med('lastDelivery'),
      lastReply: med('lastReply'),
      floor: median(floors.slice(1)),
      threadMessages: med('threadMessages'),
      rootUpdates: med('rootUpdates'),
      duplicates: runs.reduce((sum, r) => sum + r.duplicates, 0),
    };
  } finally {
    await replicas.stop();
  }
}
