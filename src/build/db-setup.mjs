// @ts-check
/**
 * `npm run db:setup`: creates (or upgrades) the Postgres engine's schema in the
 * database named by WORKFLOW_POSTGRES_URL (from the environment or .env). Idempotent:
 * safe to run on every deploy. The app creates its own small table at startup.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';

dotenv.config({ quiet: true });
const url = process.env.WORKFLOW_POSTGRES_URL;
if (!url) {
  console.error('db:setup needs WORKFLOW_POSTGRES_URL, e.g. postgres://user:password@db.internal:5432/incident_router');
  process.exit(1);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'bootstrap.cmd' : 'bootstrap');
const result = spawnSync(bin, [], { cwd: root, stdio: 'inherit', env: process.env });
if (result.status !== 0) {
  console.error('db:setup failed: check that the database in WORKFLOW_POSTGRES_URL exists and accepts the connection.');
  process.exit(result.status ?? 1);
}
