import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runBenchmarks } from '../bench/run-benchmarks.js';
import { SMOKE } from '../bench/sizes.js';

/**
 * The benchmark at tiny sizes, so `npm run bench` cannot rot: every section runs on the
 * local world and on two Postgres replicas, and the report comes out whole. It checks
 * the report's shape, never a time.
 */
it('runs every benchmark section at tiny sizes and writes a well-formed report', async () => {
  const outFile = join(mkdtempSync(join(tmpdir(), 'incident-router-bench-')), 'benchmarks.md');
  const results = await runBenchmarks({ sizes: SMOKE, outFile, command: 'BENCH_SIZE=smoke npm run bench' });
  const report = readFileSync(outFile, 'utf8');

  for (const heading of ['## Machine and run', '## Targets', '## 1. Ack latency', '## 2. Fan-out latency', '## 3. Throughput', '## 4. Width', '## 5. Slack calls per incident and rate limits']) {
    expect(report).toContain(heading);
  }
  expect(report).toContain(`Node.js | ${process.version}`);
  expect(report).toContain('**Slack calls per incident: thread messages');
  expect(report).not.toMatch(/NaN|undefined|n\/a|Infinity/);
  // One row per engine in every per-engine table, and each of the 7 targets judged on each engine.
  for (const label of ['local world', 'Postgres world, 2 replicas']) {
    expect(report.split('\n').filter((line) => line.startsWith(`| ${label} |`)).length).toBeGreaterThanOrEqual(8);
  }
  const targetRows = report.split('## Targets')[1]!.split('## 1.')[0]!.split('\n').filter((l) => /^\| [a-z0-9]/.test(l) && !l.startsWith('| target |'));
  expect(targetRows).toHaveLength(7);
  for (const line of targetRows) expect(line.match(/\| (met|\*\*missed\*\*): /g)).toHaveLength(2);

  // Every incident of every section went all the way through on both engines.
  for (const engine of results.engines) {
    expect(engine.throughput.completed).toBe(SMOKE.throughputIncidents);
    expect(engine.width.map((w) => w.targets)).toEqual(SMOKE.widths);
    // Each width run was counted through its thread: at least one message, and the final root update.
    for (const w of engine.width) {
      expect(w.threadMessages).toBeGreaterThanOrEqual(1);
      expect(w.rootUpdates).toBeGreaterThanOrEqual(1);
    }
    expect(engine.paced.completed).toBe(SMOKE.pacedIncidents);
    // Root, alerts-channel copy, at least one thread message.
    expect(engine.fanout.slackCalls['chat.postMessage']).toBeGreaterThanOrEqual(3);
  }
}, 120_000); // about 25 s alone; more while the other end-to-end files share the cores
