import { createHook, getWorkflowMetadata, sleep } from 'workflow';
import type { Incident, Severity } from '../incident/incident.js';
import { actionToken, escalationDueAt, type Actor, type IncidentAction } from '../incident/lifecycle.js';
import { route, type RoutedTarget } from '../routing/rules.js';
import type { LoadedRouting } from '../routing/routing-source.js';
import type { ChannelOutcome, ChannelStatus } from '../slack/blocks/outcome.js';
import type { IncidentView } from '../slack/blocks/root-message.js';
import {
  acknowledgedReply,
  alreadyAcknowledgedNotice,
  closedReply,
  escalationReply,
  nothingToRetryNotice,
  outcomeReply,
  pagerDutyEventReply,
  resolvedReply,
  retryReply,
  routingReply,
  summaryReply,
  type DeliverySummary,
} from '../slack/blocks/thread-replies.js';
import { deliverToChannel } from './steps/deliver-to-channel.js';
import { sendPagerDutyEvent } from './steps/pagerduty-event.js';
import { postEphemeralNotice, postRootMessage, updateThread, type Thread } from './steps/slack-thread.js';

export interface IncidentFanoutInput {
  /** What was reported, with the topic and broadcast choice of the modal. */
  incident: Incident;
  /**
   * The routing in force when it was reported (targets, rules, subscribers,
   * escalation, which targets are configured): recorded with the run, so a replay
   * routes exactly as the run did, and an edited routing file applies to new incidents.
   */
  routing: LoadedRouting;
}

export interface IncidentFanoutResult extends DeliverySummary {
  severity: Severity;
  acknowledged?: Actor;
  resolved?: Actor;
  /** Escalation rounds sent. */
  escalations: number;
  /** How the run ended: someone resolved it, or its buttons expired. */
  ended: 'resolved' | 'expired';
}

type LoopEvent = { kind: 'click'; action: IncidentAction } | { kind: 'escalate'; round: number } | { kind: 'expire' };

/**
 * One incident, from report to resolve. First the fan-out, as a recipient list: route
 * by severity, deliver to every matched channel in parallel (one step each, isolated),
 * keep the Slack thread current as each delivery settles. Meanwhile the root message
 * is the incident's control panel: Acknowledge, Resolve and Retry failed arrive on a
 * hook, and unacknowledged incidents escalate on durable sleeps. Orchestration only:
 * all I/O happens in steps, so a restart resumes exactly where the run was.
 */
export async function incidentFanout(input: IncidentFanoutInput): Promise<IncidentFanoutResult> {
  'use workflow';
  const { incident } = input;
  const { workflowRunId } = getWorkflowMetadata();
  // Clicks on the buttons arrive here from the moment the run starts.
  const clicks = createHook<IncidentAction>({ token: actionToken(incident.id) });
  const { routing, configured } = input.routing;
  const { lifecycle } = routing;
  const routed: RoutedTarget[] = route(routing, incident, configured);
  const matched = routed.map((r) => r.target.name);
  const targetsByName = new Map(routing.targets.map((t) => [t.name, t]));
  const policy = lifecycle.escalation[incident.severity];
  const pagerDutyTargets = routed.map((r) => r.target).filter((t) => t.type === 'pagerduty' && configured.includes(t.name));

  const view: IncidentView & { statuses: Array<{ channel: string; status: ChannelStatus }> } = {
    statuses: matched.map((channel) => ({ channel, status: 'pending' as ChannelStatus })),
  };
  const reasons = new Map<string, string>();
  /** Work that must finish before the run may end: deliveries and PagerDuty events. */
  const background: Array<Promise<unknown>> = [];

  // The root message and the deliveries start together: the Slack thread is reporting
  // and must never hold a delivery up. If neither the channel nor the reporter's DM
  // takes the root message, the alert still goes out; only the thread is missing.
  const threadReady: Promise<Thread | undefined> = postRootMessage(incident, matched).catch(() => undefined);

  // Everything Slack shows goes out one update at a time, in the order things happen,
  // so the root message never goes back to an older state. Replies that land while
  // the previous update is still being posted go out together, as one message (a line
  // each) and one root update: a 50-target fan-out is a few Slack calls, not 100 queued
  // behind each other. Which replies an update took is read from its step's recorded
  // result, so a replay always agrees with what was really posted.
  let thread: Thread | undefined;
  const unsent: Array<{ text: string; broadcast: boolean }> = [];
  /** The update being posted, if any; it starts the next one when it is done. */
  let updating: Promise<void> | undefined;
  const flush = (): void => {
    if (!thread || updating || unsent.length === 0) return;
    const snapshot: IncidentView = { ...view, statuses: view.statuses.map((s) => ({ ...s })) };
    updating = updateThread(thread, incident, groupReplies(unsent), snapshot)
      .then(
        (posted) => posted,
        // Given up after its retries (Slack down for long): drop the oldest reply, so
        // that one poisoned update cannot hold the thread up forever.
        () => unsent.slice(0, 1).map((r) => r.text),
      )
      .then((posted) => {
        // By content, not position: on a replay the results may sit in another order.
        for (const text of posted) {
          const index = unsent.findIndex((r) => r.text === text);
          if (index !== -1) unsent.splice(index, 1);
        }
        updating = undefined;
        flush();
      });
  };
  /** Queues a thread reply; every update also rewrites the root message. */
  const post = (text: string, { broadcast = false } = {}): void => {
    unsent.push({ text, broadcast });
    flush();
  };
  post(routingReply(incident.id, routed, incident.broadcast));
  void threadReady.then((ready) => {
    thread = ready;
    flush();
  });
  /** Ephemeral answers to clicks, posted beside the thread's updates. */
  const notices: Array<Promise<unknown>> = [];
  const notice = (userId: string, text: string): void => {
    if (thread) notices.push(postEphemeralNotice(thread, userId, text).catch(ignore));
  };

  const failed = (channel: string, error: unknown): ChannelOutcome => ({ channel, status: 'failed', reason: failureReason(error) });

  /**
   * Delivers to a routed channel (the first time, or again on Retry failed). The
   * result handlers are attached the moment the step starts, so a fast failure is
   * never an unhandled rejection while something else is awaited.
   */
  const deliverRouted = (index: number, context?: string): Promise<ChannelOutcome> => {
    const entry = view.statuses[index]!;
    entry.status = 'pending';
    const settled = deliverToChannel(targetsByName.get(entry.channel)!, incident)
      .then(
        (outcome) => outcome,
        (error: unknown) => failed(entry.channel, error),
      )
      .then((outcome) => {
        entry.status = outcome.status;
        if (outcome.status === 'failed') reasons.set(entry.channel, outcome.reason);
        else reasons.delete(entry.channel);
        post(outcomeReply(outcome, context));
        return outcome;
      });
    background.push(settled);
    return settled;
  };

  // The fan-out: one step per channel, all started at once; isolation means one
  // channel's failure neither stops nor delays the others.
  const firstRound = matched.map((_, index) => deliverRouted(index));
  background.push(
    Promise.all(firstRound).then((outcomes) => post(summaryReply(summarize(incident.id, outcomes), workflowRunId))),
  );

  // Escalation: a durable sleep per round, due `round · after` from the report.
  let escalation: Promise<LoopEvent> | undefined;
  const armEscalation = (round: number): void => {
    escalation =
      policy && round <= policy.rounds
        ? sleep(escalationDueAt(incident.reportedAt, policy, round)).then((): LoopEvent => ({ kind: 'escalate', round }))
        : undefined;
  };
  armEscalation(1);
  const escalate = (round: number): void => {
    if (!policy) return;
    view.escalation = { round, rounds: policy.rounds };
    const targets = policy.targets.filter((name) => configured.includes(name) && targetsByName.has(name));
    const text = escalationReply(incident.id, { round, rounds: policy.rounds, afterMs: policy.afterMs, mentionHere: policy.mentionHere }, targets);
    post(text, { broadcast: true });
    for (const channel of targets) {
      const label = `escalation ${round}/${policy.rounds}`;
      background.push(
        deliverToChannel(targetsByName.get(channel)!, incident, { round, rounds: policy.rounds })
          .then(
            (outcome) => outcome,
            (error: unknown) => failed(channel, error),
          )
          .then((outcome) => post(outcomeReply(outcome, label))),
      );
    }
    armEscalation(round + 1);
  };

  const pagerDuty = (action: 'acknowledge' | 'resolve'): void => {
    for (const target of pagerDutyTargets) {
      background.push(
        sendPagerDutyEvent(target, incident.id, action).then(
          () => post(pagerDutyEventReply(target.name, action, { ok: true })),
          (error: unknown) => post(pagerDutyEventReply(target.name, action, { ok: false, reason: failureReason(error) })),
        ),
      );
    }
  };

  const iterator = clicks[Symbol.asyncIterator]();
  const nextClick = (): Promise<LoopEvent> =>
    iterator.next().then((next): LoopEvent => (next.done ? { kind: 'expire' } : { kind: 'click', action: next.value }));
  let click = nextClick();
  const expiry = sleep(new Date(Date.parse(incident.reportedAt) + lifecycle.closeAfterMs)).then((): LoopEvent => ({ kind: 'expire' }));

  // The control panel: one event at a time, none of them waiting on a delivery.
  try {
    for (;;) {
      const event = await Promise.race(escalation ? [click, expiry, escalation] : [click, expiry]);
      if (event.kind === 'expire') {
        view.closed = true;
        post(closedReply(lifecycle.closeAfterMs));
        break;
      }
      if (event.kind === 'escalate') {
        escalate(event.round);
        continue;
      }
      click = nextClick();
      const { action: kind, ...actor } = event.action;
      if (kind === 'acknowledge') {
        if (view.acknowledged) {
          notice(actor.userId, alreadyAcknowledgedNotice(incident.id, view.acknowledged));
          continue;
        }
        view.acknowledged = actor;
        const stopped = escalation !== undefined;
        escalation = undefined;
        post(acknowledgedReply(actor, stopped));
        pagerDuty('acknowledge');
      } else if (kind === 'resolve') {
        view.resolved = actor;
        escalation = undefined;
        post(resolvedReply(actor));
        pagerDuty('resolve');
        break;
      } else {
        const failedNow = view.statuses.flatMap((s, index) => (s.status === 'failed' ? [index] : []));
        if (failedNow.length === 0) {
          notice(actor.userId, nothingToRetryNotice(incident.id));
          continue;
        }
        for (const index of failedNow) view.statuses[index]!.status = 'pending';
        post(retryReply(actor, failedNow.map((index) => view.statuses[index]!.channel)));
        for (const index of failedNow) deliverRouted(index, 'retry');
      }
    }
  } finally {
    // Later clicks find no hook and get a clear "no longer active" answer.
    clicks.dispose();
  }

  // Deliveries still in flight (a retry riding out an outage) finish and are reported.
  for (let awaited = 0; awaited < background.length; ) {
    awaited = background.length;
    await Promise.all(background);
  }
  // Then the thread's last updates, until every reply is posted.
  await threadReady;
  while (updating) await updating;
  await Promise.all(notices);

  return {
    ...summarize(
      incident.id,
      view.statuses.map((s): ChannelOutcome =>
        s.status === 'delivered'
          ? { channel: s.channel, status: 'delivered', recipients: [], attempt: 1 }
          : { channel: s.channel, status: 'failed', reason: reasons.get(s.channel) ?? 'not delivered' },
      ),
    ),
    severity: incident.severity,
    ...(view.acknowledged ? { acknowledged: view.acknowledged } : {}),
    ...(view.resolved ? { resolved: view.resolved } : {}),
    escalations: view.escalation?.round ?? 0,
    ended: view.resolved ? 'resolved' : 'expired',
  };
}

function summarize(incidentId: string, outcomes: readonly ChannelOutcome[]): DeliverySummary {
  return {
    incidentId,
    matched: outcomes.map((o) => o.channel),
    delivered: outcomes.filter((o) => o.status === 'delivered').map((o) => o.channel),
    failed: outcomes.flatMap((o) => (o.status === 'failed' ? [{ channel: o.channel, reason: o.reason }] : [])),
  };
}

function ignore(): void {}

/** At most this many results in one thread message: a long one is hard to read. */
const LINES_PER_REPLY = 20;

/** Consecutive replies joined into messages; a broadcast one (an escalation) stands alone. */
function groupReplies(batch: ReadonlyArray<{ text: string; broadcast: boolean }>): Array<{ text: string; broadcast: boolean; replies: string[] }> {
  const messages: Array<{ text: string; broadcast: boolean; replies: string[] }> = [];
  for (const reply of batch) {
    const last = messages.at(-1);
    if (last && !last.broadcast && !reply.broadcast && last.replies.length < LINES_PER_REPLY) {
      last.text += `\n${reply.text}`;
      last.replies.push(reply.text);
    } else {
      messages.push({ ...reply, replies: [reply.text] });
    }
  }
  return messages;
}

/** The reason a step gave, without the engine's "Step … failed after N retries:" prefix. */
function failureReason(error: unknown): string {
  // Errors cross a sandbox boundary here: read `message` rather than trust instanceof.
  const raw = (error as { message?: unknown } | undefined)?.message;
  const message = typeof raw === 'string' ? raw : String(error);
  const wrapped = /^Step ".*?" failed after (\d+) retries: ([\s\S]*)$/.exec(message);
  return wrapped ? `gave up after ${Number(wrapped[1]) + 1} attempts: ${wrapped[2]}` : message;
}
