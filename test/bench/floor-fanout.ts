import { getChannel } from '../../src/channels/registry.js';
import { resolveChannelSettings } from '../../src/channels/settings.js';
import type { Incident } from '../../src/incident/incident.js';
import { timed } from './stats.js';

/**
 * The limit the fan-out is measured against: the very same provider calls, made by the
 * app's own channel code (the real SDK clients: @slack/web-api, @sendgrid/mail, twilio,
 * and fetch for PagerDuty) in this process, with no engine, no steps, no Slack thread.
 */
export function floorIncident(label: string): Incident {
  return {
    id: `INC-FLOOR${label}`.slice(0, 12),
    severity: 'critical',
    message: `floor ${label}`,
    reporterId: 'U0REPORTER',
    reporterName: 'jane',
    channelId: 'C0INCIDENT',
    reportedAt: new Date().toISOString(),
  };
}

function delivery(channelName: string, env: Record<string, string>) {
  const channel = getChannel(channelName);
  if (!channel) throw new Error(`no channel ${channelName}`);
  const resolved = resolveChannelSettings(channel, env);
  if (resolved.state !== 'configured') throw new Error(`floor: channel ${channelName} is ${resolved.state}`);
  return (incident: Incident) => channel.deliver(resolved.settings, incident, { idempotencyKey: `${incident.id}:${channelName}`, attempt: 1 });
}

/** `Promise.allSettled` of one delivery per channel; every one must succeed. */
export function parallelFloor(channels: string[], env: Record<string, string>, label: string): Promise<number> {
  return allSettledOf(channels.map((name) => delivery(name, env)), label);
}

/**
 * `Promise.allSettled` of one delivery per target: the channel's own code once for each
 * value of `setting` (e.g. one email per address), as N routing targets of one type make.
 */
export function parallelTargetsFloor(channel: string, setting: string, values: string[], env: Record<string, string>, label: string): Promise<number> {
  return allSettledOf(values.map((value) => delivery(channel, { ...env, [setting]: value })), label);
}

async function allSettledOf(deliveries: Array<ReturnType<typeof delivery>>, label: string): Promise<number> {
  const incident = floorIncident(label);
  return timed(async () => {
    const settled = await Promise.allSettled(deliveries.map((deliver) => deliver(incident)));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw new Error(`floor delivery failed: ${(failed as PromiseRejectedResult).reason}`);
  });
}

/** The same deliveries one after another: what a fan-out without parallelism costs. */
export async function sequentialFloor(channels: string[], env: Record<string, string>, label: string): Promise<number> {
  const deliveries = channels.map((name) => delivery(name, env));
  const incident = floorIncident(label);
  return timed(async () => {
    for (const deliver of deliveries) await deliver(incident);
  });
}
