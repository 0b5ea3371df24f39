import { FatalError, getStepMetadata } from 'workflow';
import { pagerDutyChannel, sendPagerDutyAction } from '../../channels/pagerduty.js';
import type { Target } from '../../routing/rules.js';
import { resolveTarget } from '../../routing/routing-source.js';
import { DELIVERY_MAX_ATTEMPTS } from './deliver-to-channel.js';
import { toStepError } from './step-errors.js';

/**
 * Acknowledges or resolves the incident's PagerDuty alert (the incident id is its
 * `dedup_key`). Retried like a delivery: an acknowledge must not be lost to an outage.
 */
export async function sendPagerDutyEvent(target: Target, incidentId: string, action: 'acknowledge' | 'resolve'): Promise<void> {
  'use step';
  const resolved = resolveTarget(target, process.env);
  if (resolved?.state !== 'configured') throw new FatalError('PagerDuty is not configured: set PAGERDUTY_ROUTING_KEY');
  try {
    await sendPagerDutyAction(resolved.settings as ReturnType<typeof pagerDutyChannel.settings>, incidentId, action);
  } catch (error) {
    throw toStepError(error, {
      attempt: getStepMetadata().attempt,
      maxAttempts: DELIVERY_MAX_ATTEMPTS,
      secrets: [...pagerDutyChannel.secretEnv, ...Object.values(target.secrets)].map((name) => process.env[name]),
    });
  }
}
sendPagerDutyEvent.maxRetries = DELIVERY_MAX_ATTEMPTS - 1;
