import { getWorkflowMetadata } from 'workflow';
import type { Incident, Severity } from '../incident/incident.js';
import { routeIncident, type RouteRule } from '../routing/rules.js';
import type { ChannelOutcome, ChannelStatus } from '../slack/blocks/outcome.js';
import { outcomeReply, routingReply, summaryReply, type DeliverySummary } from '../slack/blocks/thread-replies.js';
import { deliverToChannel } from './steps/deliver-to-channel.js';
import { postRootMessage, postThreadReply, updateRootMessage, type Thread } from './steps/slack-thread.js';

export interface IncidentFanoutInput {
  incident: Incident;
  /** Routing rules in force when the incident was filed. */
  rules: RouteRule[];
  /** Channels that had settings when the incident was filed. */
  configured: string[];
}

export interface IncidentFanoutResult extends DeliverySummary {
  severity: Severity;
}

/**
 * The incident fan-out, as a recipient list: route by severity, deliver to every
 * matched channel in parallel (one step each, isolated), and keep the Slack thread
 * current as each delivery settles. Orchestration only: all I/O happens in steps.
 */
export async function incidentFanout(input: IncidentFanoutInput): Promise<IncidentFanoutResult> {
  'use workflow';
  const { incident } = input;
  const matched = routeIncident(input.rules, incident.severity, input.configured);
  const statuses = matched.map((channel) => ({ channel, status: 'pending' as ChannelStatus }));

  // Deliveries start first: the Slack thread is reporting and must never hold them up.
  const deliveries = matched.map((channel) => deliverToChannel(channel, incident));

  let thread: Thread | undefined;
  try {
    thread = await postRootMessage(incident, matched);
  } catch {
    // Neither the channel nor the reporter's DM took the message (the step has logged
    // why). The alert still goes out; only the Slack thread is missing.
  }

  // Thread updates run one after another, in the order results land, so the root
  // message never goes back to an older state. A failed update does not stop the rest.
  let threadUpdates: Promise<unknown> = thread
    ? postThreadReply(thread, routingReply(incident.id, matched)).catch(ignore)
    : Promise.resolve();
  const report = (outcome: ChannelOutcome, index: number) => {
    statuses[index]!.status = outcome.status;
    if (!thread) return;
    const snapshot = statuses.map((s) => ({ ...s }));
    const where = thread;
    threadUpdates = threadUpdates
      .then(() => postThreadReply(where, outcomeReply(outcome)))
      .catch(ignore)
      .then(() => updateRootMessage(where, incident, snapshot))
      .catch(ignore);
  };

  const outcomes = await Promise.all(
    deliveries.map((delivery, index) =>
      delivery.then(
        (outcome) => {
          report(outcome, index);
          return outcome;
        },
        (error: unknown) => {
          const outcome: ChannelOutcome = { channel: matched[index]!, status: 'failed', reason: failureReason(error) };
          report(outcome, index);
          return outcome;
        },
      ),
    ),
  );
  await threadUpdates;

  const summary: IncidentFanoutResult = {
    incidentId: incident.id,
    severity: incident.severity,
    matched,
    delivered: outcomes.filter((o) => o.status === 'delivered').map((o) => o.channel),
    failed: outcomes.flatMap((o) => (o.status === 'failed' ? [{ channel: o.channel, reason: o.reason }] : [])),
  };
  if (thread) {
    await postThreadReply(thread, summaryReply(summary, getWorkflowMetadata().workflowRunId)).catch(ignore);
  }
  return summary;
}

function ignore(): void {}

/** The reason a step gave, without the engine's "Step … failed after N retries:" prefix. */
function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = /^Step ".*?" failed after (\d+) retries: ([\s\S]*)$/.exec(message);
  return wrapped ? `gave up after ${Number(wrapped[1]) + 1} attempts: ${wrapped[2]}` : message;
}
