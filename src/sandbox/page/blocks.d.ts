// Types for blocks.js (plain JavaScript, served to the browser as is).
import type { Names } from './mrkdwn.js';
export function renderText(text: { type: string; text: string; emoji?: boolean } | undefined, names?: Names): string;
export function renderBlocks(blocks: unknown[] | undefined, names?: Names): string;
export function renderView(
  view: Record<string, unknown>,
  errors?: Record<string, string>,
  names?: Names,
): { title: string; body: string; submit: string; close: string };
