/**
 * Escaping for Slack mrkdwn. Every string a user typed goes through `escapeMrkdwn`
 * before it reaches a Slack message, including the top-level fallback `text`: Slack
 * then shows `<!channel>`, `<!here>` or `<@U123>` as literal text instead of pinging.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Shortens already-escaped text to at most `max` characters (UTF-16 code units, as
 * Slack counts), never cutting through an entity such as `&amp;` or a surrogate pair.
 */
export function truncateEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const ellipsis = '…';
  let end = max - ellipsis.length;
  // Do not split a surrogate pair.
  const code = escaped.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  // Do not split an entity: if an '&' starts within the last 5 characters without its ';', cut before it.
  const amp = escaped.lastIndexOf('&', end - 1);
  if (amp !== -1 && end - amp < 5) {
    const semi = escaped.indexOf(';', amp);
    if (semi === -1 || semi >= end) end = amp;
  }
  return escaped.slice(0, end) + ellipsis;
}

/** Escapes user text and fits it into `max` characters. */
export function userText(text: string, max: number): string {
  return truncateEscaped(escapeMrkdwn(text), max);
}

/** A Slack user mention for an id Slack gave us (never for user-typed text). */
export function mentionUser(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** A Slack channel link for an id Slack gave us. */
export function mentionChannel(channelId: string): string {
  return /^[CGD][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}
