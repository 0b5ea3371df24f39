import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { modalFor, type CurrentRouting } from '../actions/preview-routing.js';

/**
 * `/incident [text]`: acknowledge, then open the modal at once. The trigger id dies
 * 3 s after the command, so nothing slow may come before `views.open` (reading the
 * routing is a cached lookup: one `stat` of the routing file).
 */
export function openIncidentModal(currentRouting: CurrentRouting) {
  return async ({ command, ack, client, logger, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: modalFor(currentRouting(), { channelId: command.channel_id, initialMessage: command.text }),
      });
    } catch (error) {
      const reason = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      logger.error(`views.open failed for /incident in ${command.channel_id}: ${reason}`);
      await respond({
        response_type: 'ephemeral',
        text: `I could not open the incident form (${reason}). Please type /incident again.`,
      }).catch(() => undefined);
    }
  };
}
