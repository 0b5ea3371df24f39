import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds `dist/` once before the end-to-end tests, exactly as `npm start` does. */
export default function buildApp(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['src/build/build.mjs'], { cwd: root, stdio: 'inherit' });
}
