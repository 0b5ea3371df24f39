import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Providers } from '../support/providers.js';
import { rootFor } from '../support/incidents.js';
import { isSummaryPost, resetProviders, startReplicas, submit } from './bench-apps.js';
import { parallelFloor } from './floor-fanout.js';
import type { BenchSizes } from './sizes.js';
import { median } from './stats.js';

/**
 * Section 4: one incident to N targets. A target is one provider call: the only
 * channel that makes one call per recipient is SMS (one Twilio message per number),
 * so the incident is routed to SMS alone with N numbers configured.
 */
export interface WidthRow {
  targets: number;
  /** Median ms from the view_submission to the last Twilio answer and to the last thread reply. */
  lastDelivery: number;
  lastReply: number;
  /** The same N Twilio calls made in-process at once. */
  floor: number;
}

const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+1555${String(1000000 + i).slice(1)}`);

export async function measureWidth(
  providers: Providers,
  baseEnv: Record<string, string>,
  replicaCount: number,
  sizes: BenchSizes,
  cpuProfileDir?: string,
): Promise<WidthRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'incident-router-bench-'));
  const routingFile = join(dir, 'routing.json');
  writeFileSync(routingFile, JSON.stringify({ rules: [{ channel: 'sms', minSeverity: 'critical' }] }));
  const rows: WidthRow[] = [];
  try {
    for (const targets of sizes.widths) rows.push(await oneWidth(providers, baseEnv, routingFile, targets, replicaCount, sizes, cpuProfileDir));
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
  const env = { ...baseEnv, ROUTING_FILE: routingFile, ALERT_SMS_TO: numbers(targets).join(',') };
  const replicas = await startReplicas(replicaCount, env, cpuProfileDir);
  try {
    const runs: Array<{ lastDelivery: number; lastReply: number }> = [];
    for (let i = 0; i <= sizes.widthRuns; i++) {
      resetProviders(providers, sizes.providerDelayMs);
      const message = `bench width ${targets} run ${i}x`;
      const started = Date.now();
      await submit(replicas.nextUrl(), message);
      const root = await rootFor(providers, message);
      const summary = await providers.slack.waitFor((calls) => calls.find((c) => isSummaryPost(c) && c.body.thread_ts === root.ts), 60_000);
      const sms = providers.twilio.calls;
      if (sms.length !== targets) throw new Error(`width ${targets}: expected ${targets} Twilio calls, saw ${sms.length}`);
      // Run 0 warms the new process up; it is not counted.
      if (i > 0) runs.push({ lastDelivery: Math.max(...sms.map((c) => c.at)) + sizes.providerDelayMs - started, lastReply: summary.at - started });
    }
    resetProviders(providers, sizes.providerDelayMs);
    const floors: number[] = [];
    for (let i = 0; i <= sizes.widthRuns; i++) floors.push(await parallelFloor(['sms'], env, `w${targets}r${i}`));
    return {
      targets,
      lastDelivery: median(runs.map((r) => r.lastDelivery)),
      lastReply: median(runs.map((r) => r.lastReply)),
      floor: median(floors.slice(1)),
    };
  } finally {
    await replicas.stop();
  }
}
