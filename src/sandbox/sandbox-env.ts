import { CHANNELS } from '../channels/registry.js';
import { presentEnv, resolveChannelSettings } from '../channels/settings.js';

/** What the sandbox sets up, and which channel goes where. */
export interface SandboxPlan {
  /** The environment the app runs with: the user's, with the stand-ins filled in. */
  env: Record<string, string>;
  /** Channels delivered to the local outbox. */
  outbox: string[];
  /** Channels with real credentials: they still go to the real provider. */
  real: string[];
  /** Settings of the user's that the sandbox overrides (names only, never values). */
  overridden: string[];
}

/** The sandbox's own Slack: channel ids the page knows by name. */
export const SANDBOX_CHANNELS = { incidents: 'C0INCIDENT', alerts: 'C0ALERTS01' } as const;

/**
 * Why sandbox mode must not run here, if it must not. It fakes Slack and the providers,
 * so it refuses anything that looks like a production deployment.
 */
export function sandboxRefusal(rawEnv: Record<string, string | undefined>): string | undefined {
  const env = presentEnv(rawEnv);
  if (env.NODE_ENV === 'production') {
    return 'sandbox mode refuses to run with NODE_ENV=production: it replaces Slack and the providers with local stand-ins. Use npm start for the real app, or unset NODE_ENV to try the sandbox.';
  }
  if (env.WORKFLOW_TARGET_WORLD === '@workflow/world-postgres' || env.WORKFLOW_POSTGRES_URL) {
    return 'sandbox mode runs on the embedded engine only, never on the production database: unset WORKFLOW_TARGET_WORLD and WORKFLOW_POSTGRES_URL to try the sandbox.';
  }
  return undefined;
}

/**
 * The sandbox's environment. Slack is always the local stand-in (a signing secret of
 * its own, loopback only). Every channel without settings goes to the outbox; a channel
 * with real credentials keeps them and its real provider; a half-configured one is left
 * alone so that startup reports it as usual.
 */
export function sandboxEnv(
  rawUserEnv: Record<string, string | undefined>,
  standIns: Record<string, string>,
  options: { signingSecret: string; dataDir: string },
): SandboxPlan {
  const user = presentEnv(rawUserEnv);
  const forced: Record<string, string> = {
    SLACK_BOT_TOKEN: standIns.SLACK_BOT_TOKEN!,
    SLACK_SIGNING_SECRET: options.signingSecret,
    SLACK_API_URL: standIns.SLACK_API_URL!,
    ALERT_SLACK_CHANNEL: SANDBOX_CHANNELS.alerts,
    // The fake Slack's endpoint takes any request signed with a local secret: loopback only.
    HOST: '127.0.0.1',
    WORKFLOW_TARGET_WORLD: 'local',
    // The stand-ins keep their state in memory: runs from an earlier session must not resume.
    WORKFLOW_LOCAL_DATA_DIR: options.dataDir,
  };
  const overridden = [...Object.keys(forced), 'SLACK_APP_TOKEN'].filter(
    (key) => key in user && user[key] !== forced[key] && key !== 'WORKFLOW_LOCAL_DATA_DIR' && key !== 'WORKFLOW_TARGET_WORLD',
  );
  const env: Record<string, string> = { ...user, ...forced };
  delete env.SLACK_APP_TOKEN; // Socket Mode would bypass the local endpoint.

  const outbox: string[] = ['slack'];
  const real: string[] = [];
  for (const channel of CHANNELS.values()) {
    if (channel.name === 'slack') continue;
    const state = resolveChannelSettings(channel, user).state;
    if (state === 'configured') {
      real.push(channel.name);
    } else if (state === 'not-configured') {
      for (const key of Object.keys(channel.env.shape)) if (standIns[key] !== undefined) env[key] = standIns[key];
      outbox.push(channel.name);
    }
  }
  return { env, outbox, real, overridden };
}
