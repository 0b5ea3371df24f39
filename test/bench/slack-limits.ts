/**
 * Section 5: Slack calls per incident against the minimum, and Slack's rate limits at
 * the measured throughput. Limits as Slack documents them: chat.postMessage about one
 * message per second per channel (short bursts tolerated; thread replies post into the
 * same channel), chat.update Tier 3 (about 50 per minute per workspace).
 */
export const SLACK_LIMITS = {
  postMessagePerChannelPerSecond: 1,
  updatePerMinute: 50,
} as const;

/**
 * The least a 4-channel incident needs for what a person sees: the root message, the
 * alerts-channel copy, one thread message holding every result and the summary (results
 * that land together share a message); the root's Delivery line brought to its final
 * state once.
 */
export const MINIMUM_CALLS: Record<string, number> = { 'chat.postMessage': 3, 'chat.update': 1 };

export interface RateLimitRow {
  what: string;
  perIncident: number;
  atThroughput: string;
  limit: string;
  /** How many times over the limit; below 1 means within it. */
  factor: number;
  /** Incidents per second this limit allows. */
  sustainable: number;
}

/** `postsInIncidentChannel`: root plus thread replies, all in the channel where /incident was typed. */
export function rateLimitRows(calls: Record<string, number>, alertsPosts: number, incidentsPerSecond: number): RateLimitRow[] {
  const posts = calls['chat.postMessage'] ?? 0;
  const inIncidentChannel = posts - alertsPosts;
  const updates = calls['chat.update'] ?? 0;
  const perSecond = SLACK_LIMITS.postMessagePerChannelPerSecond;
  const perMinute = SLACK_LIMITS.updatePerMinute;
  return [
    {
      what: 'chat.postMessage into the incident channel (root + thread)',
      perIncident: inIncidentChannel,
      atThroughput: `${(inIncidentChannel * incidentsPerSecond).toFixed(1)}/s`,
      limit: `~${perSecond}/s per channel`,
      factor: (inIncidentChannel * incidentsPerSecond) / perSecond,
      sustainable: perSecond / inIncidentChannel,
    },
    {
      what: 'chat.postMessage into the alerts channel',
      perIncident: alertsPosts,
      atThroughput: `${(alertsPosts * incidentsPerSecond).toFixed(1)}/s`,
      limit: `~${perSecond}/s per channel`,
      factor: (alertsPosts * incidentsPerSecond) / perSecond,
      sustainable: perSecond / alertsPosts,
    },
    {
      what: 'chat.update (root message Delivery line)',
      perIncident: updates,
      atThroughput: `${(updates * incidentsPerSecond * 60).toFixed(0)}/min`,
      limit: `~${perMinute}/min (Tier 3)`,
      factor: (updates * incidentsPerSecond * 60) / perMinute,
      sustainable: perMinute / 60 / updates,
    },
  ];
}
