import type { Providers, SlackMessage } from './providers.js';
import { TEST_SECRETS } from './providers.js';
import { signedPost, viewSubmissionBody } from './slack-requests.js';

/** Submits the incident modal through a running app, exactly as Slack would. */
export async function submitIncident(
  eventsUrl: string,
  fields: { severity: string; message: string; channelId?: string; topic?: string; broadcast?: boolean },
): Promise<void> {
  const response = await signedPost(eventsUrl, viewSubmissionBody(fields), { secret: TEST_SECRETS.SLACK_SIGNING_SECRET });
  if (response.status !== 200) throw new Error(`view_submission answered ${response.status}`);
}

/** The root message whose text contains `message`, once posted. */
export function rootFor(providers: Providers, message: string, timeoutMs = 30_000): Promise<SlackMessage> {
  return providers.slack.waitFor(
    // The root message is the one with a header block (the alerts-channel copy has none).
    () =>
      providers.slack.messages.find(
        (m) => !m.thread_ts && m.blocks?.[0]?.type === 'header' && JSON.stringify(m.blocks).includes(message),
      ),
    timeoutMs,
  );
}

/**
 * Thread replies of a root message, line by line: results that land while Slack is
 * taking the previous reply go out together, one per line of one message.
 */
export function threadLines(providers: Providers, root: SlackMessage): string[] {
  return providers.slack.thread(root.ts).flatMap((m) => (m.text ?? '').split('\n'));
}

/** Thread reply lines of a root message (see `threadLines`). */
export function replies(providers: Providers, root: SlackMessage): string[] {
  return threadLines(providers, root);
}

/** Waits for the final summary reply of the incident whose message is `message`. */
export async function finished(providers: Providers, message: string, timeoutMs = 60_000): Promise<{ root: SlackMessage; replies: string[] }> {
  const root = await rootFor(providers, message, timeoutMs);
  await providers.slack.waitFor(() => replies(providers, root).some((text) => /Run `wrun_/.test(text)), timeoutMs);
  return { root, replies: replies(providers, root) };
}

/** `[incident id]` from a root message's header. */
export function incidentIdOf(root: SlackMessage): string {
  return /INC-[0-9A-Z]{8}/.exec(JSON.stringify(root.blocks))![0];
}

/** Counts thread replies per channel outcome (`✅ *sms*` / `❌ *sms*`). */
export function outcomesByChannel(texts: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const text of texts) {
    const match = /^(?:✅|❌) \*(\w+)\*/.exec(text);
    if (match) counts[match[1]!] = (counts[match[1]!] ?? 0) + 1;
  }
  return counts;
}
