import { z } from 'zod';
import type { Severity } from '../incident/incident.js';
import { defineChannel } from './channel.js';
import { httpUrl } from './env-values.js';
import { postJson } from './http.js';
import { alertTitle } from './format.js';

const PD_SEVERITY: Record<Severity, 'info' | 'warning' | 'critical'> = {
  info: 'info',
  warning: 'warning',
  critical: 'critical',
};

/**
 * Triggers a PagerDuty incident through Events API v2. The incident id is the
 * `dedup_key`, so a repeated trigger (a retry after a lost answer) is a no-op.
 */
export const pagerDutyChannel = defineChannel({
  name: 'pagerduty',
  provider: 'PagerDuty',
  env: z.object({
    PAGERDUTY_ROUTING_KEY: z
      .string()
      .regex(/^[A-Za-z0-9]{32}$/, { error: 'must be the 32-character integration key of an Events API v2 integration' })
      .optional(),
    PAGERDUTY_EVENTS_URL: httpUrl('https://events.pagerduty.com/v2/enqueue').default(
      'https://events.pagerduty.com/v2/enqueue',
    ),
  }),
  requiredEnv: ['PAGERDUTY_ROUTING_KEY'],
  secretEnv: ['PAGERDUTY_ROUTING_KEY'],
  settings: (env) => ({ routingKey: env.PAGERDUTY_ROUTING_KEY as string, url: env.PAGERDUTY_EVENTS_URL as string }),
  async deliver(settings, incident) {
    const body = JSON.stringify({
      routing_key: settings.routingKey,
      event_action: 'trigger',
      dedup_key: incident.id,
      payload: {
        summary: alertTitle(incident, 1024),
        source: 'incident-router',
        severity: PD_SEVERITY[incident.severity],
        timestamp: incident.reportedAt,
        custom_details: {
          message: incident.message,
          reported_by: incident.reporterName,
          slack_channel: incident.channelId,
        },
      },
    });
    const answer = (await postJson('PagerDuty', settings.url, body)) as { dedup_key?: string } | null;
    return { recipients: ['PagerDuty service'], reference: answer?.dedup_key ?? incident.id };
  },
});

/** Acknowledges or resolves the PagerDuty alert that `deliver` triggered (same `dedup_key`). */
export async function sendPagerDutyAction(
  settings: ReturnType<typeof pagerDutyChannel.settings>,
  incidentId: string,
  action: 'acknowledge' | 'resolve',
): Promise<void> {
  const body = JSON.stringify({ routing_key: settings.routingKey, event_action: action, dedup_key: incidentId });
  await postJson('PagerDuty', settings.url, body);
}
