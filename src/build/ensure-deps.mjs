// @ts-check
/**
 * Runs before `npm start` and `npm test`: on a fresh clone, installs the locked
 * dependencies first (`npm ci`), so either command works on its own. When every
 * declared package is already installed it does nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const missing = declared.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));

if (missing.length > 0) {
  const command = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install';
  console.log(`Installing dependencies (npm ${command}): ${missing.length} of ${declared.length} packages are missing.`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm ${command} failed (exit ${result.status}); fix the error above, then run the command again.`);
    process.exit(result.status ?? 1);
  }
}
