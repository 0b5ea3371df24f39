import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { newIncidentId } from '../../../incident/incident-id.js';
import type { Incident } from '../../../incident/incident.js';
import { topicsOf } from '../../../routing/rules.js';
import { parseIncidentSubmission } from '../../blocks/incident-modal.js';
import type { CurrentRouting } from '../actions/preview-routing.js';

/** Starts the durable fan-out for an incident; returns the run id. */
export type StartIncident = (incident: Incident) => Promise<{ runId: string }>;

/**
 * Modal submission: invalid fields come back as inline errors and nothing starts;
 * a valid one closes the modal at once (the ack), then hands off to the workflow.
 */
export function submitIncident(startIncident: StartIncident, currentRouting: CurrentRouting) {
  return async ({ ack, body, view, client, logger }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const submission = parseIncidentSubmission(view, topicsOf(currentRouting().routing));
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    await ack();

    const incident: Incident = {
      id: newIncidentId(),
      severity: submission.severity,
      message: submission.message,
      reporterId: body.user.id,
      reporterName: body.user.name ?? body.user.id,
      channelId: submission.channelId,
      reportedAt: new Date().toISOString(),
      ...(submission.topic ? { topic: submission.topic } : {}),
      ...(submission.broadcast ? { broadcast: true } : {}),
    };
    try {
      const { runId } = await startIncident(incident);
      logger.info(`${incident.id} (${incident.severity}) reported by ${incident.reporterId}: run ${runId}`);
    } catch (error) {
      logger.error(`${incident.id} could not be started: ${(error as Error).message}`);
      const text =
        `:x: Incident ${incident.id} was NOT sent: the delivery engine did not accept it (${(error as Error).message}). ` +
        'Page the on-call person directly, then try /incident again.';
      // Ephemeral in the channel if possible, else a DM: the reporter must learn it did not go out.
      await client.chat
        .postEphemeral({ channel: incident.channelId, user: incident.reporterId, text })
        .catch(() => client.chat.postMessage({ channel: incident.reporterId, text }))
        .catch((notifyError: unknown) => logger.error(`could not tell ${incident.reporterId}: ${(notifyError as Error).message}`));
    }
  };
}
