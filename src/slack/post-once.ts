import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';

/**
 * chat.postMessage with de-duplication across retries and crashes.
 *
 * Slack has no idempotency key: if a process dies after Slack took a message but
 * before the engine recorded the step as done, the step runs again and would post a
 * second copy. So every message carries its key in Slack message metadata, and a
 * repeated attempt first looks for a message with that key (in the thread, or in the
 * channel since `oldest`) and returns it instead of posting again. The first attempt
 * never pays for the lookup. If the lookup itself fails (e.g. no access to the
 * channel's history), the message is posted: a possible duplicate beats a lost alert.
 */
export const METADATA_EVENT_TYPE = 'incident_router_message';

export interface PostOnceOptions {
  /** Stable across attempts of the same post: a step id, or `<incident id>:root`. */
  key: string;
  /** 1 for a first attempt: no lookup. */
  attempt: number;
  /** Where an earlier copy would be: a thread (`threadTs`) or the channel since `oldest` (epoch seconds). */
  oldest?: number;
}

export async function postOnce(
  client: WebClient,
  message: ChatPostMessageArguments,
  options: PostOnceOptions,
): Promise<{ channel: string; ts: string; reused: boolean }> {
  if (options.attempt > 1) {
    const earlier = await findEarlierCopy(client, message, options).catch(() => undefined);
    if (earlier) return { ...earlier, reused: true };
  }
  const result = await client.chat.postMessage({
    ...message,
    metadata: { event_type: METADATA_EVENT_TYPE, event_payload: { key: options.key } },
  } as ChatPostMessageArguments);
  return { channel: result.channel ?? String(message.channel), ts: result.ts!, reused: false };
}

type Listed = { ts?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } };

async function findEarlierCopy(
  client: WebClient,
  message: ChatPostMessageArguments,
  options: PostOnceOptions,
): Promise<{ channel: string; ts: string } | undefined> {
  const channel = String(message.channel);
  const threadTs = (message as { thread_ts?: string }).thread_ts;
  const listed: Listed[] = threadTs
    ? ((await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 1000 })).messages ?? [])
    : ((
        await client.conversations.history({
          channel,
          include_all_metadata: true,
          limit: 200,
          ...(options.oldest ? { oldest: String(options.oldest) } : {}),
        })
      ).messages ?? []);
  const found = listed.find(
    (m) => m.metadata?.event_type === METADATA_EVENT_TYPE && m.metadata.event_payload?.key === options.key,
  );
  return found?.ts ? { channel, ts: found.ts } : undefined;
}
