import type { ModalView } from '@slack/types';
import { MESSAGE_MAX_LENGTH, SEVERITIES, SEVERITY_EMOJI, SEVERITY_LABEL, isSeverity, type Severity } from '../../incident/incident.js';

export const INCIDENT_MODAL_CALLBACK_ID = 'incident_report';
export const SEVERITY_BLOCK = 'severity';
export const SEVERITY_ACTION = 'severity_select';
export const MESSAGE_BLOCK = 'message';
export const MESSAGE_ACTION = 'message_input';

/** What the modal carries from the slash command to the submission. */
interface ModalMetadata {
  channelId: string;
}

/** The "Report an incident" modal, pre-filled with the text typed after `/incident`. */
export function incidentModal(options: { channelId: string; initialMessage?: string }): ModalView {
  const initial = options.initialMessage?.trim().slice(0, MESSAGE_MAX_LENGTH);
  return {
    type: 'modal',
    callback_id: INCIDENT_MODAL_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Report an incident' },
    submit: { type: 'plain_text', text: 'Send alert' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ channelId: options.channelId } satisfies ModalMetadata),
    blocks: [
      {
        type: 'input',
        block_id: SEVERITY_BLOCK,
        label: { type: 'plain_text', text: 'Severity' },
        element: {
          type: 'static_select',
          action_id: SEVERITY_ACTION,
          placeholder: { type: 'plain_text', text: 'How bad is it?' },
          options: SEVERITIES.map((severity) => ({
            text: { type: 'plain_text', text: `${SEVERITY_EMOJI[severity]} ${SEVERITY_LABEL[severity]}` },
            value: severity,
          })),
        },
      },
      {
        type: 'input',
        block_id: MESSAGE_BLOCK,
        label: { type: 'plain_text', text: 'What is happening?' },
        hint: { type: 'plain_text', text: 'Sent to every routed channel: Slack, email, SMS, PagerDuty, webhooks.' },
        element: {
          type: 'plain_text_input',
          action_id: MESSAGE_ACTION,
          multiline: true,
          max_length: MESSAGE_MAX_LENGTH,
          ...(initial ? { initial_value: initial } : {}),
        },
      },
    ],
  };
}

/** The parts of a `view_submission` payload this modal needs. */
export interface SubmittedView {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, { selected_option?: { value?: string } | null; value?: string | null }>> };
}

export type ModalSubmission =
  | { ok: true; severity: Severity; message: string; channelId: string }
  | { ok: false; errors: Record<string, string> };

/**
 * Validates a submission. Slack enforces the fields' limits in its UI, but a payload
 * can be crafted, so every rule is checked again here; errors map to block ids, as
 * `response_action: "errors"` expects.
 */
export function parseIncidentSubmission(view: SubmittedView): ModalSubmission {
  const values = view.state?.values ?? {};
  const errors: Record<string, string> = {};

  const severity = values[SEVERITY_BLOCK]?.[SEVERITY_ACTION]?.selected_option?.value;
  if (!severity) errors[SEVERITY_BLOCK] = 'Pick a severity.';
  else if (!isSeverity(severity)) errors[SEVERITY_BLOCK] = 'Pick one of Info, Warning or Critical.';

  const message = (values[MESSAGE_BLOCK]?.[MESSAGE_ACTION]?.value ?? '').trim();
  if (message === '') errors[MESSAGE_BLOCK] = 'Describe what is happening.';
  else if (message.length > MESSAGE_MAX_LENGTH)
    errors[MESSAGE_BLOCK] = `Keep it under ${MESSAGE_MAX_LENGTH} characters (this one has ${message.length}).`;

  let channelId: string | undefined;
  try {
    const metadata = JSON.parse(view.private_metadata ?? '') as Partial<ModalMetadata>;
    if (typeof metadata.channelId === 'string' && /^[CGD][A-Z0-9]{2,}$/.test(metadata.channelId)) channelId = metadata.channelId;
  } catch {
    // handled below
  }
  if (!channelId) errors[MESSAGE_BLOCK] ??= 'This form lost track of its channel: close it and type /incident again.';

  if (Object.keys(errors).length > 0 || !channelId || !isSeverity(severity)) return { ok: false, errors };
  return { ok: true, severity, message, channelId };
}
