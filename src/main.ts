import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, LogLevel } from '@slack/logger';
import dotenv from 'dotenv';
import { start } from 'workflow/api';
import { ConfigError, loadConfig } from './config/config.js';
import { startEngine } from './engine/engine.js';
import { createSlackApp } from './slack/app.js';
import { incidentFanout } from './workflows/incident-fanout.js';

dotenv.config({ quiet: true });
const logger = new ConsoleLogger();
logger.setName('incident-router');

// A stray rejection must not take down every in-flight incident with it: log it loudly.
process.on('unhandledRejection', (reason) => {
  logger.error(`unhandled rejection (a bug; please report it): ${(reason as Error)?.stack ?? String(reason)}`);
});

async function main(): Promise<void> {
  const config = loadConfig();
  logger.setLevel(config.logLevel as LogLevel);

  const engine = await startEngine({ bundleDir: new URL('./workflow/', import.meta.url), port: config.workflowPort, logger });
  logger.info(`workflow engine: local world, endpoints on ${engine.url} (loopback only)`);

  const configured = config.channels.filter((c) => c.configured).map((c) => c.name);
  const app = await createSlackApp(
    config,
    async (incident) => {
      const run = await start(incidentFanout, [{ incident, rules: config.routing.rules, configured }]);
      return { runId: run.runId };
    },
    logger,
  );

  for (const channel of config.channels) {
    logger.info(
      channel.configured
        ? `channel ${channel.name}: configured`
        : `channel ${channel.name}: not configured (set ${channel.missing.join(', ')} to enable it)`,
    );
  }
  logger.info(`routing: ${config.routing.source}`);

  if (config.slack.appToken) {
    await app.start();
    logger.info('Slack: connected in Socket Mode');
  } else {
    const server = (await app.start({ port: config.port, host: config.host })) as Server;
    const { address, port } = server.address() as AddressInfo;
    logger.info(`Slack: listening on http://${address}:${port}/slack/events`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    await app.stop().catch(() => undefined);
    await engine.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    const reason = describeStartupError(error);
    console.error(`Incident Router cannot start: ${reason}`);
  }
  process.exit(1);
});

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
