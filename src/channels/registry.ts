import type { Channel } from './channel.js';
import { emailChannel } from './email.js';
import { pagerDutyChannel } from './pagerduty.js';
import { slackChannel } from './slack.js';
import { smsChannel } from './sms.js';
import { webhookChannel } from './webhook.js';

/** Every delivery channel, by name. Adding a channel is one line here. */
export const CHANNELS: ReadonlyMap<string, Channel<any>> = new Map(
  [slackChannel, emailChannel, smsChannel, pagerDutyChannel, webhookChannel].map((channel) => [channel.name, channel]),
);

export function getChannel(name: string): Channel<any> | undefined {
  return CHANNELS.get(name);
}
