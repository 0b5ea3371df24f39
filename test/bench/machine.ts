import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Where and with what a run was made: printed at the top of the report. */
export interface MachineInfo {
  date: string;
  command: string;
  cpus: string;
  memory: string;
  loadAverage: string;
  node: string;
  postgres: string;
  /** Concurrent jobs per replica on the Postgres world. */
  workerConcurrency: string;
  /** NODE_OPTIONS of the app processes. */
  appNodeOptions: string;
  packages: Record<string, string>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['workflow', '@workflow/world-local', '@workflow/world-postgres', 'graphile-worker', '@slack/bolt', '@slack/web-api', '@sendgrid/mail', 'twilio', 'pg'];

function installedVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function freeMemory(): string {
  try {
    const mem = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n').find((line) => line.startsWith('Mem:'));
    const [total, used] = mem!.trim().split(/\s+/).slice(1, 3);
    return `${total} total, ${used} used at start (free -h)`;
  } catch {
    return 'unknown';
  }
}

export async function machineInfo(command: string, postgresUrl: string | undefined): Promise<MachineInfo> {
  let postgres = 'not used';
  if (postgresUrl) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    postgres = (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    await client.end();
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command,
    cpus: `${availableParallelism()} (nproc) × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    memory: freeMemory(),
    loadAverage: loadavg().map((l) => l.toFixed(2)).join(', '),
    node: process.version,
    postgres,
    workerConcurrency: process.env.WORKFLOW_POSTGRES_WORKER_CONCURRENCY ?? '10 (the default)',
    appNodeOptions: process.env.BENCH_APP_NODE_OPTIONS ?? 'none',
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}
