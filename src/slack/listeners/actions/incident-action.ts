import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { IncidentAction, IncidentActionKind } from '../../../incident/lifecycle.js';
import { ACTION_IDS } from '../../blocks/root-message.js';

/**
 * Hands a click to the incident's workflow. `ended` means the incident's run no longer
 * takes clicks (resolved, or its buttons expired).
 */
export type SendIncidentAction = (incidentId: string, action: IncidentAction) => Promise<'delivered' | 'ended'>;

const KIND_BY_ACTION_ID = new Map(Object.entries(ACTION_IDS).map(([kind, id]) => [id, kind as IncidentActionKind]));

/** Matches the action ids of the root message's buttons. */
export const INCIDENT_ACTION_PATTERN = new RegExp(`^(${Object.values(ACTION_IDS).join('|')})$`);

const INCIDENT_ID = /^INC-[0-9A-Z]{4,16}$/;

/**
 * Acknowledge / Resolve / Retry failed on the root message. Only signed requests get
 * here (Bolt verifies them). The listener acks at once and hands the click to the
 * workflow, which owns the incident's state: it records who did what in the thread,
 * and a second click on the same thing changes nothing.
 */
export function incidentAction(sendAction: SendIncidentAction) {
  return async ({ ack, action, body, client, logger }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const kind = KIND_BY_ACTION_ID.get(action.action_id);
    const incidentId = action.value ?? '';
    const channel = body.channel?.id ?? body.container?.channel_id;
    const tell = async (text: string) => {
      if (!channel) return;
      await client.chat
        .postEphemeral({ channel, user: body.user.id, text })
        .catch((error: Error) => logger.warn(`could not tell ${body.user.id}: ${error.message}`));
    };
    if (!kind || !INCIDENT_ID.test(incidentId)) {
      logger.warn(`ignored a click with action ${action.action_id} and value ${JSON.stringify(incidentId.slice(0, 40))}`);
      return;
    }
    const click: IncidentAction = {
      action: kind,
      userId: body.user.id,
      userName: body.user.name ?? body.user.username ?? body.user.id,
      at: new Date().toISOString(),
    };
    try {
      const result = await sendAction(incidentId, click);
      logger.info(`${incidentId}: ${kind} by ${click.userId}${result === 'ended' ? ' (incident no longer active)' : ''}`);
      if (result === 'ended') {
        await tell(`${incidentId} is no longer active (it was resolved, or its buttons expired): nothing was done. Report anything new with /incident.`);
      }
    } catch (error) {
      logger.error(`${incidentId}: ${kind} by ${click.userId} could not be handed over: ${(error as Error).message}`);
      await tell(`:x: Your ${kind} of ${incidentId} did NOT go through (${(error as Error).message}). Please click again in a moment.`);
    }
  };
}
