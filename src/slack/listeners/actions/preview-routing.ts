import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { isSeverity } from '../../../incident/incident.js';
import { route, topicsOf } from '../../../routing/rules.js';
import type { LoadedRouting } from '../../../routing/routing-source.js';
import { INCIDENT_MODAL_CALLBACK_ID, PREVIEW_ACTIONS, incidentModal, readChoices, type ModalChoices, type SubmittedView } from '../../blocks/incident-modal.js';

/** The routing in force now (a changed routing file applies at once). */
export type CurrentRouting = () => LoadedRouting;

export const PREVIEW_ACTION_PATTERN = new RegExp(`^(${PREVIEW_ACTIONS.join('|')})$`);

/** The modal as these choices draw it, preview included: the same routing function the workflow runs. */
export function modalFor(routing: LoadedRouting, choices: Omit<ModalChoices, 'topics' | 'preview'>): ReturnType<typeof incidentModal> {
  const topics = topicsOf(routing.routing);
  const preview = choices.severity
    ? route(routing.routing, { severity: choices.severity, ...(choices.topic ? { topic: choices.topic } : {}), broadcast: choices.broadcast ?? false }, routing.configured)
    : undefined;
  return incidentModal({ ...choices, topics, ...(preview ? { preview } : {}) });
}

/**
 * Severity, topic or broadcast changed in the modal: redraw it with the preview of
 * who will be notified, and why. The update carries the view's `hash`; if an update
 * for an earlier change landed first (two quick changes), Slack answers
 * `hash_conflict`, and this one, drawn from the newer state, is sent again without it.
 */
export function previewRouting(currentRouting: CurrentRouting) {
  return async ({ ack, body, client, logger }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const view = body.view as (SubmittedView & { id: string; hash?: string; callback_id?: string }) | undefined;
    if (!view || view.callback_id !== INCIDENT_MODAL_CALLBACK_ID) return;
    const choices = readChoices(view);
    if (!choices.channelId) return;
    try {
      const modal = modalFor(currentRouting(), {
        channelId: choices.channelId,
        initialMessage: choices.message,
        ...(isSeverity(choices.severity) ? { severity: choices.severity } : {}),
        ...(choices.topic ? { topic: choices.topic } : {}),
        broadcast: choices.broadcast,
      });
      try {
        await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: modal });
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error !== 'hash_conflict') throw error;
        await client.views.update({ view_id: view.id, view: modal });
      }
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      logger.warn(`routing preview: views.update failed: ${code ?? (error as Error).message}`);
    }
  };
}
