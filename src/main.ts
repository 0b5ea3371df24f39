import dotenv from 'dotenv';
import { createRequire } from 'node:module';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import type { Sandbox } from './sandbox/sandbox.js';

/**
 * Entry point. The configuration is read and checked before anything loads the
 * workflow runtime, because the runtime picks its engine (WORKFLOW_TARGET_WORLD) the
 * moment it loads, and resolves that package name from the working directory: it is
 * pinned here to the app's own copy, so the app runs from any directory.
 *
 * `--sandbox` (`npm run sandbox`, never implied) first starts local stand-ins for Slack
 * and the providers and points the environment at them; the sandbox code is loaded
 * only then. Everything after that is the production path, unchanged.
 */
dotenv.config({ quiet: true });

let sandbox: Sandbox | undefined;
if (process.argv.includes('--sandbox')) {
  const { startSandbox } = await import('./sandbox/sandbox.js');
  try {
    sandbox = await startSandbox({ pageDir: new URL('./sandbox-page/', import.meta.url) });
  } catch (error) {
    console.error(`Incident Router cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Incident Router cannot start: ${(error as Error).message}`);
  if (!sandbox && !process.env.SLACK_BOT_TOKEN) {
    console.error('No Slack app yet? `npm run sandbox` runs the whole flow in your browser, with no Slack workspace and no accounts.');
  }
  process.exit(1);
}
console.log(
  sandbox
    ? 'Incident Router: SANDBOX mode (local Slack stand-in and outbox)'
    : `Incident Router: Slack mode (Slack Web API at ${config.slack.apiUrl.replace(/\/\/[^/@]*@/, '//')})`,
);

if (config.engine.kind === 'postgres') {
  process.env.WORKFLOW_TARGET_WORLD = createRequire(import.meta.url).resolve('@workflow/world-postgres');
  process.env.WORKFLOW_POSTGRES_URL = config.engine.url;
  process.env.WORKFLOW_POSTGRES_WORKER_CONCURRENCY = String(config.engine.concurrency);
} else {
  process.env.WORKFLOW_TARGET_WORLD = 'local';
  process.env.WORKFLOW_LOCAL_DATA_DIR = config.engine.dataDir;
}

try {
  const { runServer } = await import('./server.js');
  // The compiled workflow bundles sit next to this file in dist/.
  const { eventsUrl } = await runServer(config, { bundleDir: new URL('./workflow/', import.meta.url) });
  if (sandbox && eventsUrl) {
    sandbox.attach(eventsUrl);
    console.log(sandbox.banner());
  }
} catch (error) {
  console.error(`Incident Router cannot start: ${describeStartupError(error)}`);
  process.exit(1);
}

/** A one-line reason, with the fix where we know it, and never a secret. */
function describeStartupError(error: unknown): string {
  const code = (error as { data?: { error?: string }; code?: string }).data?.error;
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked' || code === 'account_inactive') {
    return `Slack rejected SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token from OAuth & Permissions in your Slack app settings.`;
  }
  if ((error as { code?: string }).code === 'slack_webapi_request_error') {
    return `could not reach Slack's Web API at ${process.env.SLACK_API_URL || 'https://slack.com/api/'}: check the network (and SLACK_API_URL, if set).`;
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return `${(error as Error).message}: another process uses that port; set PORT (or WORKFLOW_PORT) to a free one.`;
  }
  return error instanceof Error ? error.message : String(error);
}
