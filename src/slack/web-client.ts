import { ErrorCode, WebClient, type WebAPICallResult } from '@slack/web-api';
import { cachedClient } from '../channels/client-cache.js';
import { DeliveryError, classifyStatus, clip } from '../channels/failure.js';

/**
 * Slack Web API access from inside durable steps. The client never waits or retries
 * on its own: a 429 throws at once with its `Retry-After`, and the step hands the wait
 * to the workflow engine (a durable retry) instead of blocking a worker.
 */
export const stepSlackClient = cachedClient(
  (token: string, slackApiUrl: string) =>
    new WebClient(token, { slackApiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, timeout: 15_000 }),
);

/** Slack platform errors that are worth retrying: Slack's side, not ours. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_added_to_org',
]);

/** Plain-words explanations for the platform errors an operator can fix. */
const PLATFORM_HINTS: Record<string, string> = {
  not_in_channel: 'the bot is not a member of that channel: invite it with /invite',
  channel_not_found: 'the channel does not exist or the bot cannot see it (private channels need an invite)',
  is_archived: 'the channel is archived',
  invalid_auth: 'the bot token is invalid: check SLACK_BOT_TOKEN',
  not_authed: 'no bot token was sent: check SLACK_BOT_TOKEN',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deactivated app or user',
  missing_scope: 'the app lacks a scope: reinstall it from manifest.json',
  msg_too_long: 'the message is too long for Slack',
  invalid_blocks: 'Slack rejected the message blocks',
  message_not_found: 'the message to update no longer exists',
  restricted_action: 'a workspace setting prevents the bot from posting there',
};

/** The Slack error code of a platform error (`ok: false`), if that is what `error` is. */
export function slackPlatformError(error: unknown): string | undefined {
  if (isCoded(error) && error.code === ErrorCode.PlatformError) {
    const data = (error as { data?: WebAPICallResult & { error?: unknown } }).data;
    return typeof data?.error === 'string' ? data.error : 'unknown_error';
  }
  return undefined;
}

/** Maps any error thrown by `@slack/web-api` to a retry/fatal `DeliveryError`. */
export function slackFailure(error: unknown): DeliveryError {
  if (!isCoded(error)) return new DeliveryError('retry', `Slack call failed: ${clip(String(error))}`, { cause: error });
  switch (error.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = (error as { retryAfter?: number }).retryAfter ?? 1;
      return new DeliveryError('retry', `Slack rate-limited the call (retry after ${seconds} s)`, {
        retryAfterMs: seconds * 1000,
        cause: error,
      });
    }
    case ErrorCode.PlatformError: {
      const code = slackPlatformError(error) ?? 'unknown_error';
      const kind = TRANSIENT_PLATFORM_ERRORS.has(code) ? 'retry' : 'fatal';
      const hint = PLATFORM_HINTS[code];
      return new DeliveryError(kind, `Slack answered ${code}${hint ? `: ${hint}` : ''}`, { cause: error });
    }
    case ErrorCode.HTTPError: {
      const status = (error as { statusCode?: number }).statusCode ?? 0;
      return new DeliveryError(classifyStatus(status), `Slack answered HTTP ${status}`, { cause: error });
    }
    case ErrorCode.RequestError:
      return new DeliveryError('retry', 'could not reach Slack', { cause: error });
    default:
      return new DeliveryError('retry', `Slack call failed (${error.code})`, { cause: error });
  }
}

function isCoded(error: unknown): error is { code: string } {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}
