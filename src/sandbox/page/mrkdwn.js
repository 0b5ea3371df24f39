// Slack mrkdwn to HTML, minimally: *bold*, _italic_, ~strike~, `code`, ```pre```,
// <url|links>, <@U…> and <#C…> mentions, <!channel>-style broadcasts, :emoji:.
// Slack's escaping is honoured: &lt; &gt; &amp; are text, so `<!channel>` that a person
// typed (sent as &lt;!channel&gt;) shows literally, while a real <!channel> is a
// broadcast. Pure functions, no DOM: the page and the unit tests share this file.

const EMOJI = {
  x: '❌', white_check_mark: '✅', heavy_check_mark: '✔️', warning: '⚠️', rotating_light: '🚨',
  red_circle: '🔴', large_orange_circle: '🟠', large_blue_circle: '🔵', white_circle: '⚪',
  hourglass_flowing_sand: '⏳', checkered_flag: '🏁', eyes: '👀', fire: '🔥', tada: '🎉',
  information_source: 'ℹ️', bell: '🔔', no_bell: '🔕', pager: '📟', email: '📧', iphone: '📱',
};

/** Text made safe for HTML. */
export function escapeHtml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Slack's three entities back to characters (they are how Slack writes literal < > &). */
function decodeEntities(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Escaped text with :emoji: codes replaced. */
function textHtml(raw) {
  return escapeHtml(decodeEntities(raw)).replace(/:([a-z0-9_+-]+):/g, (code, name) => EMOJI[name] ?? code);
}

/** A `plain_text` object's text: shown exactly as written, no markup at all. */
export function renderPlain(text, emoji = true) {
  const html = escapeHtml(text ?? '');
  return emoji ? html.replace(/:([a-z0-9_+-]+):/g, (code, name) => EMOJI[name] ?? code) : html;
}

/** One `<…>` markup token: a mention, a broadcast, a date, or a link. */
function token(inner, names) {
  const [target, label] = splitLabel(inner);
  if (target.startsWith('@')) {
    const name = label ?? names.users?.[target.slice(1)] ?? target.slice(1);
    return `<span class="mention">@${textHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const name = label ?? names.channels?.[target.slice(1)] ?? target.slice(1);
    return `<span class="mention">#${textHtml(name)}</span>`;
  }
  if (target.startsWith('!')) {
    const special = /^!(channel|here|everyone)$/.exec(target);
    if (special) return `<span class="mention broadcast">@${special[1]}</span>`;
    if (target.startsWith('!subteam^')) return `<span class="mention">${textHtml(label ?? '@group')}</span>`;
    return textHtml(label ?? '');
  }
  const url = decodeEntities(target);
  if (!/^(https?:|mailto:)/i.test(url)) return textHtml(label ?? target);
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${textHtml(label ?? target)}</a>`;
}

function splitLabel(inner) {
  const bar = inner.indexOf('|');
  return bar === -1 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

/** Applies one kind of emphasis (`*`, `_`, `~`) at word boundaries, as Slack does. */
function emphasis(html, marker, tag) {
  const m = marker === '*' ? '\\*' : marker;
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}${m}])${m}(?=\\S)([^${m}\\n]*?\\S)${m}(?![\\p{L}\\p{N}${m}])`, 'gu');
  return html.replace(pattern, (_, before, inner) => `${before}<${tag}>${inner}</${tag}>`);
}

/** Slack mrkdwn to HTML. `names` maps user and channel ids to names for mentions. */
export function renderMrkdwn(text, names = {}) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let work = String(text ?? '')
    .replace(/\u0000/g, '')
    // Code first: nothing inside it is markup.
    .replace(/```([\s\S]*?)```/g, (_, code) => hold(`<pre>${escapeHtml(decodeEntities(code.replace(/^\n/, '')))}</pre>`))
    .replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(decodeEntities(code))}</code>`))
    // Raw < and > only ever delimit markup: literal ones arrive as entities.
    .replace(/<([^<>\n]+)>/g, (_, inner) => hold(token(inner, names)));
  work = textHtml(work);
  work = emphasis(emphasis(emphasis(work, '*', 'b'), '_', 'i'), '~', 's');
  work = work.replace(/\n/g, '<br>');
  return work.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
}
