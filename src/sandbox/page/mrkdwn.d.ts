// Types for mrkdwn.js (plain JavaScript, served to the browser as is).
export interface Names {
  users?: Record<string, string>;
  channels?: Record<string, string>;
}
export function escapeHtml(text: string): string;
export function renderPlain(text: string | undefined, emoji?: boolean): string;
export function renderMrkdwn(text: string | undefined, names?: Names): string;
