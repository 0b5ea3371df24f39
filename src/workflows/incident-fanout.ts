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

  // The root message and the deliveries start together: the Slack thread is reporting
  // and must never hold a delivery up. If neither the channel nor the reporter's DM
  // takes the root message, the alert still goes out; only the thread is missing.
  const threadReady: Promise<Thread | undefined> = postRootMessage(incident, matched).catch(() => undefined);

  // Thread updates run one after another, in the order results land, so the root
  // message never goes back to an older state. A failed update does not stop the rest.
  let threadUpdates: Promise<unknown> = threadReady.then((thread) =>
    thread ? postThreadReply(thread, routingReply(incident.id, matched)).catch(ignore) : undefined,
  );
  const report = (outcome: ChannelOutcome, index: number): void => {
    statuses[index]!.status = outcome.status;
    const snapshot = statuses.map((s) => ({ ...s }));
    threadUpdates = threadUpdates.then(async () => {
      const thread = await threadReady;
      if (!thread) return;
      await postThreadReply(thread, outcomeReply(outcome)).catch(ignore);
      await updateRootMessage(thread, incident, snapshot).catch(ignore);
    });
  };

  // One step per channel, all started at once. Each reports its result as it lands;
  // the handlers are attached the moment a delivery starts, so a fast failure is never
  // an unhandled rejection while something else is awaited.
  const failed = (channel: string, error: unknown): ChannelOutcome => ({ channel, status: 'failed', reason: failureReason(error) });
  const deliveries = matched.map((channel) => deliverToChannel(channel, incident));
  deliveries.forEach((delivery, index) => {
    delivery.then(
      (outcome) => report(outcome, index),
      (error: unknown) => report(failed(matched[index]!, error), index),
    );
  });
  // Isolation: one channel's failure neither stops nor delays the others.
  const settled = await Promise.allSettled(deliveries);
  const outcomes = settled.map((result, index) =>
    result.status === 'fulfilled' ? result.value : failed(matched[index]!, result.reason),
  );
  await threadUpdates;

  const summary: IncidentFanoutResult = {
    incidentId: incident.id,
    severity: incident.severity,
    matched,
    delivered: outcomes.filter((o) => o.status === 'delivered').map((o) => o.channel),
    failed: outcomes.flatMap((o) => (o.status === 'failed' ? [{ channel: o.channel, reason: o.reason }] : [])),
  };
  const thread = await threadReady;
  if (thread) {
    await postThreadReply(thread, summaryReply(summary, getWorkflowMetadata().workflowRunId)).catch(ignore);
  }
  return summary;
}

function ignore(): void {}

/** The reason a step gave, without the engine's "Step … failed after N retries:" prefix. */
function failureReason(error: unknown): string {
  // Errors cross a sandbox boundary here: read `message` rather than trust instanceof.
  const raw = (error as { message?: unknown } | undefined)?.message;
  const message = typeof raw === 'string' ? raw : String(error);
  const wrapped = /^Step ".*?" failed after (\d+) retries: ([\s\S]*)$/.exec(message);
  return wrapped ? `gave up after ${Number(wrapped[1]) + 1} attempts: ${wrapped[2]}` : message;
}
