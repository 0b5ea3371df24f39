import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FailureControls } from './failure-controls.js';
import { SlackInteractions } from './interactions.js';
import { PageServer } from './page-server.js';
import { startProviders } from './providers.js';
import { sandboxEnv, sandboxRefusal, type SandboxPlan } from './sandbox-env.js';
import { sandboxState } from './sandbox-state.js';

/** Thrown when sandbox mode must not (or cannot) start; the message names the fix. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}

export interface Sandbox {
  plan: SandboxPlan;
  pageUrl: string;
  /** Points the page's signed requests at the app's `/slack/events`, once it listens. */
  attach(eventsUrl: string): void;
  /** The loud startup notice: which mode, where the page is, where each channel goes. */
  banner(): string;
}

/**
 * Sandbox mode (`npm run sandbox`): starts the local Slack stand-in, the provider
 * outbox and the page, then rewrites this process's environment so that the app,
 * started next exactly as in production, talks to them. Runs before the configuration
 * is read; loaded only in sandbox mode.
 */
export async function startSandbox(options: { pageDir: URL; env?: NodeJS.ProcessEnv }): Promise<Sandbox> {
  const env = options.env ?? process.env;
  const refusal = sandboxRefusal(env);
  if (refusal) throw new SandboxError(refusal);
  const pagePort = Number(env.SANDBOX_PORT || 3001);
  if (!Number.isInteger(pagePort) || pagePort < 0 || pagePort > 65535) throw new SandboxError('SANDBOX_PORT must be a port number (default 3001)');

  const providers = await startProviders();
  const signingSecret = randomBytes(16).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'incident-router-sandbox-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const plan = sandboxEnv(env, providers.env, { signingSecret, dataDir });
  delete env.SLACK_APP_TOKEN;
  Object.assign(env, plan.env);

  const targets = { slack: providers.slack, email: providers.sendgrid, sms: providers.twilio, pagerduty: providers.pagerduty, webhook: providers.webhook };
  const failures = new FailureControls(targets);
  const interactions = new SlackInteractions(providers.slack, signingSecret);
  const page = new PageServer({
    port: pagePort,
    pageDir: options.pageDir,
    interactions,
    failures,
    state: () => sandboxState({ slack: providers.slack, providers: { email: providers.sendgrid, sms: providers.twilio, pagerduty: providers.pagerduty, webhook: providers.webhook }, failures, plan }),
  });
  try {
    await page.start();
  } catch (error) {
    await providers.close();
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new SandboxError(inUse ? `port ${pagePort} for the sandbox page is in use: set SANDBOX_PORT to a free one` : (error as Error).message);
  }
  for (const standIn of Object.values(targets)) standIn.onCall(() => page.changed());

  return {
    plan,
    pageUrl: page.url,
    attach: (eventsUrl) => {
      interactions.eventsUrl = eventsUrl;
    },
    banner: () => {
      const rule = '='.repeat(78);
      return [
        rule,
        'SANDBOX MODE: Slack is a local stand-in and deliveries go to a local outbox.',
        'No Slack workspace is involved. Not for production: use npm start for the real app.',
        '',
        `  Open ${page.url} and type /incident in #incidents.`,
        `  Local outbox:   ${plan.outbox.join(', ')}`,
        `  Real provider:  ${plan.real.length ? `${plan.real.join(', ')} (your credentials are set)` : 'none'}`,
        ...(plan.overridden.length ? [`  Ignored here:   ${plan.overridden.join(', ')} (the sandbox sets its own)`] : []),
        rule,
      ].join('\n');
    },
  };
}
