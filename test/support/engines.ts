import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

/** The two ways to run the engine; every end-to-end suite runs on both. */
export type EngineKind = 'local' | 'postgres';

/** Administrative connection used to create a fresh database per suite. */
export const ADMIN_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestEngine {
  kind: EngineKind;
  /** Environment that selects this engine for the app. */
  env: Record<string, string>;
  /** Connection URL of the suite's database (Postgres only). */
  databaseUrl?: string;
  drop(): Promise<void>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Sets an engine up for one suite. For Postgres: a new, empty database (dropped
 * afterwards) with the engine's schema, exactly as `npm run db:setup` creates it.
 * A PostgreSQL that cannot be reached fails the suite; it is never skipped.
 */
export async function setUpEngine(kind: EngineKind, adminUrl = ADMIN_POSTGRES_URL): Promise<TestEngine> {
  if (kind === 'local') return { kind, env: {}, drop: async () => undefined };
  const name = `incident_router_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl} (${(error as Error).message}): start it, or set TEST_POSTGRES_URL`);
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await promisify(execFile)(process.execPath, ['src/build/db-setup.mjs'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, WORKFLOW_POSTGRES_URL: databaseUrl },
  });
  return {
    kind,
    databaseUrl,
    env: { WORKFLOW_TARGET_WORLD: '@workflow/world-postgres', WORKFLOW_POSTGRES_URL: databaseUrl },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
