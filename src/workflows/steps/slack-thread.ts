import { FatalError, getStepMetadata } from 'workflow';
import type { Incident } from '../../incident/incident.js';
import { rootMessage, type IncidentView } from '../../slack/blocks/root-message.js';
import type { ChannelStatus } from '../../slack/blocks/outcome.js';
import { mentionChannel } from '../../slack/mrkdwn.js';
import { postOnce } from '../../slack/post-once.js';
import { slackFailure, slackPlatformError, stepSlackClient } from '../../slack/web-client.js';
import { toStepError } from './step-errors.js';

/**
 * The incident's Slack thread. Every post and update is a durable step: a 429 or a
 * Slack outage delays an update, it never loses it.
 */

/** Where the incident's thread lives. */
export interface Thread {
  channel: string;
  ts: string;
  /** Shown under the root message, e.g. why the thread lives in a DM. */
  note?: string;
}

/** Slack calls get more attempts than deliveries: rate limits can last a while. */
const SLACK_MAX_ATTEMPTS = 10;

/** Errors that mean "the bot cannot post in the reporter's channel". */
const CANNOT_POST_THERE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

function slack() {
  const token = process.env.SLACK_BOT_TOKEN;
  if (!token) throw new FatalError('SLACK_BOT_TOKEN is not set');
  return stepSlackClient(token, process.env.SLACK_API_URL || 'https://slack.com/api/');
}

function asStepError(error: unknown): Error {
  if (error instanceof FatalError) return error;
  return toStepError(slackFailure(error), {
    attempt: getStepMetadata().attempt,
    maxAttempts: SLACK_MAX_ATTEMPTS,
    secrets: [process.env.SLACK_BOT_TOKEN],
  });
}

/**
 * Posts the root message where `/incident` was typed. If the bot cannot post there,
 * the root message goes to the reporter's DM with the bot instead, saying why and how
 * to fix it; the thread continues there, and delivery goes on either way.
 */
export async function postRootMessage(incident: Incident, channels: string[]): Promise<Thread> {
  'use step';
  const view: IncidentView = { statuses: channels.map((channel) => ({ channel, status: 'pending' as ChannelStatus })) };
  const message = rootMessage(incident, view);
  const once = {
    key: `${incident.id}:root`,
    attempt: getStepMetadata().attempt,
    oldest: Math.floor(Date.parse(incident.reportedAt) / 1000) - 60,
  };
  try {
    const result = await postOnce(slack(), { channel: incident.channelId, ...message, unfurl_links: false }, once);
    return { channel: result.channel, ts: result.ts };
  } catch (error) {
    const code = slackPlatformError(error);
    if (!code || !CANNOT_POST_THERE.has(code)) throw asStepError(error);
    const note =
      `:warning: I could not post this incident in ${mentionChannel(incident.channelId)} (${code}), so its thread lives here. ` +
      'To get incidents in that channel, add me to it (type `/invite @Incident Router` there). Delivery to the routed channels goes on regardless.';
    try {
      const dm = await postOnce(
        slack(),
        { channel: incident.reporterId, ...rootMessage(incident, view, note), unfurl_links: false },
        once,
      );
      return { channel: dm.channel, ts: dm.ts, note };
    } catch (dmError) {
      throw asStepError(dmError);
    }
  }
}
postRootMessage.maxRetries = SLACK_MAX_ATTEMPTS - 1;

/** Tells one person, and only them, why their click changed nothing. */
export async function postEphemeralNotice(thread: Thread, userId: string, text: string): Promise<void> {
  'use step';
  try {
    await slack().chat.postEphemeral({ channel: thread.channel, user: userId, text });
  } catch (error) {
    throw asStepError(error);
  }
}
// A notice that cannot be shown soon is stale: a few attempts only.
postEphemeralNotice.maxRetries = 2;

/** One thread message: lines joined, or a broadcast one (an escalation) on its own. */
export interface ThreadMessage {
  text: string;
  broadcast: boolean;
}

/**
 * Posts a batch of thread messages, then rewrites the root message: the incident's
 * whole Slack update for the results that landed together, in one durable step.
 * Returns the replies it posted, which the workflow takes from the step's recorded
 * result (not from what it passed): a replay, where results may be queued in another
 * order, can never count a reply as posted that was not.
 */
export async function updateThread(
  thread: Thread,
  incident: Incident,
  messages: Array<ThreadMessage & { replies: string[] }>,
  view: IncidentView,
): Promise<string[]> {
  'use step';
  const { stepId, attempt } = getStepMetadata();
  try {
    let index = 0;
    for (const message of messages) {
      const reply = { channel: thread.channel, thread_ts: thread.ts, text: message.text, unfurl_links: false, reply_broadcast: message.broadcast };
      await postOnce(slack(), reply, { key: `${stepId}:${index++}`, attempt });
    }
    await slack().chat.update({ channel: thread.channel, ts: thread.ts, ...rootMessage(incident, view, thread.note) });
  } catch (error) {
    throw asStepError(error);
  }
  return messages.flatMap((message) => message.replies);
}
updateThread.maxRetries = SLACK_MAX_ATTEMPTS - 1;
