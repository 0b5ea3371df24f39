import { FatalError, getStepMetadata } from 'workflow';
import type { EscalationRound } from '../../channels/channel.js';
import { asEscalation } from '../../channels/format.js';
import { getChannel } from '../../channels/registry.js';
import type { Target } from '../../routing/rules.js';
import { resolveTarget } from '../../routing/routing-source.js';
import type { Incident } from '../../incident/incident.js';
import type { ChannelOutcome } from '../../slack/blocks/outcome.js';
import { toStepError } from './step-errors.js';

/**
 * Attempts per delivery: 12, backing off 1, 2, 4, … 256 s, then 5 min twice: a
 * provider may be down for about 18 minutes and the alert still goes out.
 */
export const DELIVERY_MAX_ATTEMPTS = 12;

/**
 * Delivers one incident to one target. Each target is its own step: retried on its
 * own, isolated from the others. The step id is the provider's idempotency key.
 * `escalation` marks a re-notification of an incident nobody acknowledged.
 */
export async function deliverToChannel(target: Target, incident: Incident, escalation?: EscalationRound): Promise<ChannelOutcome> {
  'use step';
  const { stepId, attempt } = getStepMetadata();
  const channel = getChannel(target.type);
  if (!channel) throw new FatalError(`there is no channel type "${target.type}" (check the routing file)`);
  const resolved = resolveTarget(target, process.env)!;
  if (resolved.state === 'not-configured') {
    throw new FatalError(`not configured: set ${resolved.missing.join(', ')} to enable it`);
  }
  if (resolved.state === 'invalid') {
    throw new FatalError(`misconfigured: ${resolved.problems.map((p) => p.variable).join(', ')} (see the startup log)`);
  }
  const targetSecrets = Object.values(target.secrets).map((name) => process.env[name]);
  const secrets = [...channel.secretEnv.map((name) => process.env[name]), ...targetSecrets];
  try {
    const context = { idempotencyKey: stepId, attempt, ...(escalation ? { escalation } : {}) };
    const receipt = await channel.deliver(resolved.settings, asEscalation(incident, escalation), context);
    return { channel: target.name, status: 'delivered', attempt, ...receipt };
  } catch (error) {
    throw toStepError(error, { attempt, maxAttempts: DELIVERY_MAX_ATTEMPTS, secrets });
  }
}
deliverToChannel.maxRetries = DELIVERY_MAX_ATTEMPTS - 1;
