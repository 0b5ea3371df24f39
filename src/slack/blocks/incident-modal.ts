import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { MESSAGE_MAX_LENGTH, SEVERITIES, SEVERITY_EMOJI, SEVERITY_LABEL, isSeverity, type Severity } from '../../incident/incident.js';
import type { RoutedTarget } from '../../routing/rules.js';

export const INCIDENT_MODAL_CALLBACK_ID = 'incident_report';
export const SEVERITY_BLOCK = 'severity';
export const SEVERITY_ACTION = 'severity_select';
export const TOPIC_BLOCK = 'topic';
export const TOPIC_ACTION = 'topic_select';
export const BROADCAST_BLOCK = 'broadcast';
export const BROADCAST_ACTION = 'broadcast_toggle';
export const MESSAGE_BLOCK = 'message';
export const MESSAGE_ACTION = 'message_input';
export const PREVIEW_BLOCK = 'routing_preview';
/** The fields whose change updates the preview (they dispatch a `block_actions`). */
export const PREVIEW_ACTIONS = [SEVERITY_ACTION, TOPIC_ACTION, BROADCAST_ACTION] as const;

/** Slack's limit on a static_select's options. */
const MAX_OPTIONS = 100;
/** Shown lines of the preview; the rest are counted. */
const PREVIEW_LINES = 25;

/** What the modal carries from the slash command to the submission. */
interface ModalMetadata {
  channelId: string;
}

/** What the reporter has chosen so far, to draw the modal (again) with. */
export interface ModalChoices {
  channelId: string;
  initialMessage?: string;
  severity?: Severity;
  topic?: string;
  broadcast?: boolean;
  /** Topics someone subscribes to. */
  topics: readonly string[];
  /** Who would be notified by the choices so far; undefined until a severity is picked. */
  preview?: readonly RoutedTarget[];
}

const option = (text: string, value: string): PlainTextOption => ({ text: { type: 'plain_text', text: text.slice(0, 75) }, value });

/** "Will notify": every target the choices route to, and why, from the same routing function as the workflow. */
function previewText(choices: ModalChoices): string {
  if (!choices.preview) return '*Will notify:* pick a severity to see who.';
  if (choices.preview.length === 0) return '*Will notify:* nobody: no rule or subscription matches. Pick a topic, or broadcast.';
  const lines = choices.preview.slice(0, PREVIEW_LINES).map((r) => `• *${r.target.name}* (${r.target.type}): ${r.why.join('; ')}`);
  const more = choices.preview.length > PREVIEW_LINES ? [`…and ${choices.preview.length - PREVIEW_LINES} more`] : [];
  const head = choices.broadcast ? `*Will notify:* 📣 every configured target, ${choices.preview.length}` : `*Will notify:* ${choices.preview.length}`;
  return [`${head} ${choices.preview.length === 1 ? 'target' : 'targets'}`, ...lines, ...more].join('\n').slice(0, 2900);
}

/**
 * The "Report an incident" modal: severity, an optional topic (when someone
 * subscribes to topics), broadcast, the message, and a live preview of who will be
 * notified and why. The choice fields dispatch an action on change, so the preview
 * is redrawn (`views.update`) before the reporter presses Send.
 */
export function incidentModal(choices: ModalChoices): ModalView {
  const initial = choices.initialMessage?.trim().slice(0, MESSAGE_MAX_LENGTH);
  const severityOptions = SEVERITIES.map((severity) => option(`${SEVERITY_EMOJI[severity]} ${SEVERITY_LABEL[severity]}`, severity));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: SEVERITY_BLOCK,
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Severity' },
      element: {
        type: 'static_select',
        action_id: SEVERITY_ACTION,
        placeholder: { type: 'plain_text', text: 'How bad is it?' },
        options: severityOptions,
        ...(choices.severity ? { initial_option: severityOptions.find((o) => o.value === choices.severity)! } : {}),
      },
    },
  ];
  if (choices.topics.length > 0) {
    const topicOptions = choices.topics.slice(0, MAX_OPTIONS).map((topic) => option(topic, topic));
    blocks.push({
      type: 'input',
      block_id: TOPIC_BLOCK,
      optional: true,
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Topic or service' },
      hint: { type: 'plain_text', text: 'Its subscribers are notified too. Type to search.' },
      element: {
        type: 'static_select',
        action_id: TOPIC_ACTION,
        placeholder: { type: 'plain_text', text: 'None' },
        options: topicOptions,
        ...(choices.topic && topicOptions.some((o) => o.value === choices.topic) ? { initial_option: topicOptions.find((o) => o.value === choices.topic)! } : {}),
      },
    });
  }
  const broadcastOption = option('📣 Broadcast to every configured target', 'broadcast');
  blocks.push(
    {
      type: 'input',
      block_id: BROADCAST_BLOCK,
      optional: true,
      dispatch_action: true,
      label: { type: 'plain_text', text: 'All hands' },
      element: {
        type: 'checkboxes',
        action_id: BROADCAST_ACTION,
        options: [broadcastOption],
        ...(choices.broadcast ? { initial_options: [broadcastOption] } : {}),
      },
    },
    {
      type: 'input',
      block_id: MESSAGE_BLOCK,
      label: { type: 'plain_text', text: 'What is happening?' },
      hint: { type: 'plain_text', text: 'Sent to every target below: Slack, email, SMS, PagerDuty, webhooks.' },
      element: {
        type: 'plain_text_input',
        action_id: MESSAGE_ACTION,
        multiline: true,
        max_length: MESSAGE_MAX_LENGTH,
        ...(initial ? { initial_value: initial } : {}),
      },
    },
    { type: 'section', block_id: PREVIEW_BLOCK, text: { type: 'mrkdwn', text: previewText(choices) } },
  );
  return {
    type: 'modal',
    callback_id: INCIDENT_MODAL_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Report an incident' },
    submit: { type: 'plain_text', text: 'Send alert' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ channelId: choices.channelId } satisfies ModalMetadata),
    blocks,
  };
}

type StateValue = {
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }> | null;
  value?: string | null;
};

/** The parts of a `view_submission` (or a modal's `block_actions`) payload this modal needs. */
export interface SubmittedView {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, StateValue>> };
}

/** The choices as they stand in a view's state: for the preview, and for the submission. */
export function readChoices(view: SubmittedView): { channelId?: string; severity?: string; topic?: string; broadcast: boolean; message: string } {
  const values = view.state?.values ?? {};
  let channelId: string | undefined;
  try {
    const metadata = JSON.parse(view.private_metadata ?? '') as Partial<ModalMetadata>;
    if (typeof metadata.channelId === 'string' && /^[CGD][A-Z0-9]{2,}$/.test(metadata.channelId)) channelId = metadata.channelId;
  } catch {
    // reported by the caller
  }
  const topic = values[TOPIC_BLOCK]?.[TOPIC_ACTION]?.selected_option?.value ?? undefined;
  const severity = values[SEVERITY_BLOCK]?.[SEVERITY_ACTION]?.selected_option?.value ?? undefined;
  return {
    ...(channelId ? { channelId } : {}),
    ...(severity ? { severity } : {}),
    ...(topic ? { topic } : {}),
    broadcast: (values[BROADCAST_BLOCK]?.[BROADCAST_ACTION]?.selected_options ?? []).some((o) => o.value === 'broadcast'),
    message: (values[MESSAGE_BLOCK]?.[MESSAGE_ACTION]?.value ?? '').trim(),
  };
}

export type ModalSubmission =
  | { ok: true; severity: Severity; message: string; channelId: string; topic?: string; broadcast: boolean }
  | { ok: false; errors: Record<string, string> };

/**
 * Validates a submission. Slack enforces the fields' limits in its UI, but a payload
 * can be crafted, so every rule is checked again here; errors map to block ids, as
 * `response_action: "errors"` expects.
 */
export function parseIncidentSubmission(view: SubmittedView, topics: readonly string[] = []): ModalSubmission {
  const choices = readChoices(view);
  const errors: Record<string, string> = {};

  const { severity, message, channelId, topic } = choices;
  if (!severity) errors[SEVERITY_BLOCK] = 'Pick a severity.';
  else if (!isSeverity(severity)) errors[SEVERITY_BLOCK] = 'Pick one of Info, Warning or Critical.';

  if (topic !== undefined && !topics.includes(topic)) errors[TOPIC_BLOCK] = 'Pick one of the listed topics (this one has no subscribers any more).';

  if (message === '') errors[MESSAGE_BLOCK] = 'Describe what is happening.';
  else if (message.length > MESSAGE_MAX_LENGTH)
    errors[MESSAGE_BLOCK] = `Keep it under ${MESSAGE_MAX_LENGTH} characters (this one has ${message.length}).`;

  if (!channelId) errors[MESSAGE_BLOCK] ??= 'This form lost track of its channel: close it and type /incident again.';

  if (Object.keys(errors).length > 0 || !channelId || !isSeverity(severity)) return { ok: false, errors };
  return { ok: true, severity, message, channelId, ...(topic ? { topic } : {}), broadcast: choices.broadcast };
}
