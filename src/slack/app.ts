import { App, LogLevel, type CustomRoute, type Logger } from '@slack/bolt';
import type { AppConfig } from '../config/config.js';
import { INCIDENT_MODAL_CALLBACK_ID } from './blocks/incident-modal.js';
import { openIncidentModal } from './listeners/commands/open-incident-modal.js';
import { submitIncident, type StartIncident } from './listeners/views/submit-incident.js';
import { INCIDENT_ACTION_PATTERN, incidentAction, type SendIncidentAction } from './listeners/actions/incident-action.js';
import { previewRouting, PREVIEW_ACTION_PATTERN, type CurrentRouting } from './listeners/actions/preview-routing.js';

/** What the listeners hand work to: the durable engine, and the routing in force. */
export interface IncidentEngine {
  startIncident: StartIncident;
  sendAction: SendIncidentAction;
  routing: CurrentRouting;
}

/**
 * The Slack side: a Bolt app whose listeners stay thin (ack, then hand off). HTTP
 * mode serves `POST /slack/events` for the slash command and interactivity, with
 * Bolt verifying every request's signature; `SLACK_APP_TOKEN` switches to Socket Mode.
 */
export async function createSlackApp(
  config: AppConfig,
  engine: IncidentEngine,
  logger: Logger,
  customRoutes: CustomRoute[] = [],
): Promise<App> {
  // The listeners' calls are interactive (views.open must land within Slack's 3 s
  // trigger window): a few quick retries, not the default half hour of them.
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1000 },
  };
  const app = new App({
    token: config.slack.botToken,
    logger,
    logLevel: logger.getLevel() as LogLevel,
    clientOptions,
    // Initialize explicitly so that a rejected token is a clear startup error.
    deferInitialization: true,
    ...(config.slack.appToken
      ? { socketMode: true, appToken: config.slack.appToken, installerOptions: { clientOptions } }
      : { signingSecret: config.slack.signingSecret!, customRoutes }),
  });

  app.command('/incident', openIncidentModal(engine.routing));
  app.view(INCIDENT_MODAL_CALLBACK_ID, submitIncident(engine.startIncident, engine.routing));
  app.action(PREVIEW_ACTION_PATTERN, previewRouting(engine.routing));
  app.action(INCIDENT_ACTION_PATTERN, incidentAction(engine.sendAction));
  app.error(async (error) => {
    logger.error(`unhandled error in a Slack listener: ${error.message}`);
  });

  await app.init();
  return app;
}
