// @ts-check
/**
 * Runs before `npm start` and `npm test`: on a fresh clone, installs the locked
 * dependencies first (`npm ci`), so either command works on its own. With `--browser`
 * (before `npm test`) it also makes sure Debian's Chromium is there for the sandbox's
 * browser test, installing it when it is missing and this is a root shell with apt.
 * When everything is already installed it does nothing.
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

if (process.argv.includes('--browser')) ensureChromium();

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  const canInstall = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(`The browser test needs Chromium at ${path}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  console.log('Installing Chromium for the browser test (apt-get install chromium).');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps = [
    ['apt-get', ['update', '-qq']],
    ['apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-color-emoji']],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`${command} ${args.join(' ')} failed (exit ${result.status}); install Chromium by hand, then run npm test again.`);
      process.exit(result.status ?? 1);
    }
  }
}
