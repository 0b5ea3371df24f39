// The sandbox page: draws the state the server streams (server-sent events) and posts
// what the person does. The server turns those posts into the signed requests Slack
// would send to the app, so nothing here needs a secret.
import { renderBlocks, renderView } from './blocks.js';
import { escapeHtml, renderMrkdwn } from './mrkdwn.js';
import { focusedField, readFields, refocusField, restoreFields } from './modal-fields.js';

const $ = (id) => document.getElementById(id);
let state = null;
let current = { view: 'channel', channel: 'C0INCIDENT' };
let thread = null; // { channel, ts } of the open thread
let modal = { id: null, json: '', errors: {} };
let awaitingRoot = null; // after a submission: open the thread of the next incident posted

async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

const byTs = (a, b) => Number(a.ts) - Number(b.ts);
const time = (at) => (at ? new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '');

/** Who a message is shown as: an ephemeral's `user` is who sees it; it comes from the app (or Slackbot). */
const senderOf = (m, ephemeral) => (m.fromSlackbot ? 'slackbot' : ephemeral || !m.user ? 'bot' : `user:${m.user}`);

/** Slack-style runs: a message right after one from the same sender, within 5 minutes, drops its header. */
function listHtml(items, options = {}) {
  return items
    .map(({ m, ephemeral }, i) => {
      const before = items[i - 1];
      const compact = Boolean(before) && !ephemeral && !before.ephemeral && senderOf(before.m, false) === senderOf(m, false) && (m.at ?? 0) - (before.m.at ?? 0) < 300_000;
      return messageHtml(m, { ...options, ephemeral, compact });
    })
    .join('');
}

function messageHtml(m, { ephemeral = false, inThread = false, compact = false } = {}) {
  const names = state.names;
  const sender = senderOf(m, ephemeral).split(':')[0];
  const who = { slackbot: 'Slackbot', bot: 'Incident Router', user: names.users[m.user] ?? m.user }[sender];
  const avatar = { slackbot: '<div class="avatar slackbot">S</div>', bot: '<div class="avatar bot">IR</div>', user: '<div class="avatar user">Y</div>' }[sender];
  const body = m.blocks?.length ? renderBlocks(m.blocks, names) : renderMrkdwn(m.text ?? '', names);
  const replies = inThread ? [] : state.messages.filter((r) => r.channel === m.channel && r.thread_ts === m.ts);
  const repliesLink = replies.length
    ? `<button class="replies" data-thread="${escapeHtml(m.ts)}">${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}</button>`
    : '';
  const note = ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : '';
  const head = compact ? '' : `<div class="who">${escapeHtml(who)}${sender === 'bot' ? '<span class="app">APP</span>' : ''}<time>${time(m.at)}</time></div>`;
  return `<div class="message${ephemeral ? ' ephemeral' : ''}${compact ? ' compact' : ''}" data-channel="${escapeHtml(m.channel)}" data-ts="${escapeHtml(m.ts)}"${ephemeral ? ' data-ephemeral="true"' : ''}>
    ${compact ? `<time class="side">${m.at ? new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : ''}</time>` : avatar}<div>${note}${head}
    <div class="body">${body}</div>${repliesLink}</div></div>`;
}

function renderNav() {
  $('channels').innerHTML = state.channels
    .map((c) => {
      const active = current.view === 'channel' && current.channel === c.id ? ' active' : '';
      const prefix = c.id.startsWith('D') ? '💬 ' : '# ';
      return `<a class="${active.trim()}" data-channel="${escapeHtml(c.id)}">${prefix}${escapeHtml(c.name)}</a>`;
    })
    .join('');
  $('nav-outbox').className = current.view === 'outbox' ? 'active' : '';
}

function stickToBottom(el, html) {
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  el.innerHTML = html;
  if (atBottom) el.scrollTop = el.scrollHeight;
}

function renderChannel() {
  const channel = state.channels.find((c) => c.id === current.channel) ?? { id: current.channel, name: current.channel };
  $('title').innerHTML = `# ${escapeHtml(channel.name)}<span>${channel.id === 'C0INCIDENT' ? 'Type /incident below to report one' : channel.id === 'C0ALERTS01' ? 'The slack channel delivers here' : ''}</span>`;
  const roots = state.messages.filter((m) => m.channel === current.channel && !m.thread_ts).map((m) => ({ m, ephemeral: false }));
  const notes = state.ephemerals.filter((m) => m.channel === current.channel && !m.thread_ts).map((m) => ({ m, ephemeral: true }));
  const items = [...roots, ...notes].sort((a, b) => byTs(a.m, b.m));
  stickToBottom($('timeline'), items.length ? listHtml(items) : '<div class="empty">No messages yet.</div>');
  $('composer-form').hidden = false;
  $('composer-hint').hidden = false;
}

function renderOutbox() {
  $('title').innerHTML = '📤 Outbox<span>What each channel would have received, and switches to make it fail</span>';
  $('composer-form').hidden = true;
  $('composer-hint').hidden = true;
  const cards = state.outbox.map((o) => {
    const f = o.failure;
    const failing =
      f.kind === 'none' ? 'answering normally'
        : f.kind === 'slow' ? `slow: every answer waits ${f.delayMs / 1000} s`
          : `next ${f.pending} answer${f.pending === 1 ? '' : 's'}: ${f.kind}${f.kind === '429' ? ` (Retry-After ${f.seconds} s)` : ''}`;
    const controls =
      o.mode === 'outbox'
        ? `<form class="controls" data-failures="${escapeHtml(o.channel)}">
            Make it fail: <select name="kind"><option value="5xx">5xx (retried)</option><option value="4xx">4xx (not retried)</option><option value="429">429 rate limit</option><option value="slow">slow answers</option></select>
            <label>× <input name="count" type="number" min="1" max="100" value="3" title="how many answers"></label>
            <label>seconds <input name="seconds" type="number" min="0" max="600" value="2" title="Retry-After, or the delay of a slow answer"></label>
            <button type="submit">Apply</button><button type="button" data-clear="${escapeHtml(o.channel)}">Back to normal</button>
            <span class="${f.kind === 'none' ? '' : 'failing'}">${escapeHtml(failing)}</span></form>`
        : `<div class="controls">${o.mode === 'real' ? 'Real provider: your own credentials are set, so this goes to the real service.' : 'Not configured.'}</div>`;
    const items = o.received
      .map((r) => {
        const ok = r.status !== undefined && r.status < 300;
        const status = `<span class="status ${ok ? 'ok' : 'bad'}">${r.status ?? 'dropped'}</span>`;
        return `<div class="item">${status}<b>${escapeHtml(r.title)}</b> <time>${time(r.at)}</time><pre>${escapeHtml(r.lines.filter(Boolean).join('\n'))}</pre></div>`;
      })
      .join('');
    return `<section class="card" data-channel="${escapeHtml(o.channel)}"><h3>${escapeHtml(o.channel)}<span class="mode">${escapeHtml(o.provider)} · ${o.mode === 'outbox' ? 'local outbox' : o.mode}</span></h3>${controls}${items || '<div class="empty">Nothing received yet.</div>'}</section>`;
  });
  // Redrawn on every change: keep the switches as the person left them.
  const kept = [...document.querySelectorAll('form[data-failures]')].map((form) => ({
    channel: form.dataset.failures,
    values: [...form.elements].filter((e) => e.name).map((e) => [e.name, e.value]),
    focused: form.contains(document.activeElement) ? document.activeElement.name : null,
  }));
  $('timeline').innerHTML = `<div class="outbox">${cards.join('')}</div>`;
  for (const { channel, values, focused } of kept) {
    const form = document.querySelector(`form[data-failures="${CSS.escape(channel)}"]`);
    if (!form) continue;
    for (const [name, value] of values) form.elements.namedItem(name).value = value;
    if (focused) form.elements.namedItem(focused)?.focus();
  }
}

function renderThread() {
  const root = thread && state.messages.find((m) => m.channel === thread.channel && m.ts === thread.ts);
  $('thread').hidden = !root;
  if (!root) return;
  const channel = state.channels.find((c) => c.id === root.channel);
  $('thread-channel').textContent = channel ? `#${channel.name}` : '';
  const replies = [
    ...state.messages.filter((m) => m.channel === root.channel && m.thread_ts === root.ts).map((m) => ({ m, ephemeral: false })),
    ...state.ephemerals.filter((m) => m.channel === root.channel && m.thread_ts === root.ts).map((m) => ({ m, ephemeral: true })),
  ].sort((a, b) => byTs(a.m, b.m));
  const count = `<div class="count">${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}</div>`;
  stickToBottom($('thread-body'), `<div class="root">${messageHtml(root, { inThread: true })}</div>${count}${listHtml(replies, { inThread: true })}`);
}

/** The modal is redrawn only when the app changes it, so typing is never lost. */
function renderModal() {
  const view = state.view;
  $('overlay').hidden = !view;
  if (!view) {
    modal = { id: null, json: '', errors: {} };
    return;
  }
  const json = JSON.stringify(view.view);
  if (view.id === modal.id && json === modal.json) return;
  // views.update of the open modal: like Slack, keep what was typed in inputs that stay.
  const same = view.id === modal.id;
  const typed = same ? readFields($('modal-form')) : {};
  const focus = same ? focusedField($('modal-form')) : null;
  if (!same) modal.errors = {};
  modal.id = view.id;
  modal.json = json;
  drawModal(view.view);
  restoreFields($('modal-form'), typed);
  if (focus) refocusField($('modal-form'), focus);
}

function drawModal(view) {
  const parts = renderView(view, modal.errors, state.names);
  $('modal-title').innerHTML = parts.title;
  $('modal-form').innerHTML = parts.body;
  $('modal-close').innerHTML = parts.close;
  $('modal-submit').innerHTML = parts.submit;
  $('modal-submit').hidden = !parts.submit;
  $('modal-error').textContent = '';
}

function render() {
  if (!state) return;
  if (awaitingRoot) {
    const root = state.messages.find((m) => m.channel === awaitingRoot.channel && !m.thread_ts && !m.user && Number(m.ts) > awaitingRoot.after);
    if (root) {
      thread = { channel: root.channel, ts: root.ts };
      awaitingRoot = null;
    }
  }
  renderNav();
  if (current.view === 'outbox') renderOutbox();
  else renderChannel();
  renderThread();
  renderModal();
}

// --- what the person does ----------------------------------------------------------

document.addEventListener('click', async (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest('nav a[data-channel]');
  if (link) {
    current = { view: 'channel', channel: link.dataset.channel };
    return render();
  }
  if (target?.closest('#nav-outbox')) {
    current = { ...current, view: 'outbox' };
    return render();
  }
  const repliesButton = target?.closest('[data-thread]');
  if (repliesButton) {
    thread = { channel: repliesButton.closest('.message').dataset.channel, ts: repliesButton.dataset.thread };
    return render();
  }
  const clear = target?.closest('[data-clear]');
  if (clear) return void post('/api/failures', { channel: clear.dataset.clear, kind: 'clear' });
  const button = target?.closest('.b-button');
  const message = button?.closest('.message');
  if (button && message && !button.closest('.modal')) {
    if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener');
    const element = button.dataset.element === 'accessory' ? 'accessory' : Number(button.dataset.element);
    const result = await post('/api/action', { channel: message.dataset.channel, ts: message.dataset.ts, ephemeral: message.dataset.ephemeral === 'true', block_index: Number(button.dataset.blockIndex), element });
    if (!result.ok) alert(result.error);
  }
});

$('thread-close').addEventListener('click', () => {
  thread = null;
  render();
});

async function sendComposer() {
  const text = $('composer').value;
  if (!text.trim()) return;
  $('composer').value = '';
  const result = await post('/api/message', { channel: current.channel, text });
  if (!result.ok) alert(result.error);
}
$('composer-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void sendComposer();
});
$('composer').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    void sendComposer();
  }
});

document.addEventListener('submit', async (event) => {
  const form = event.target instanceof HTMLFormElement ? event.target : null;
  if (!form?.dataset.failures) return;
  event.preventDefault();
  const data = new FormData(form);
  const result = await post('/api/failures', { channel: form.dataset.failures, kind: data.get('kind'), count: Number(data.get('count')), seconds: Number(data.get('seconds')) });
  if (!result.ok) alert(result.error);
});

$('modal-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = readFields($('modal-form'));
  const after = Math.max(0, ...state.messages.map((m) => Number(m.ts)));
  $('modal-submit').disabled = true;
  const result = await post('/api/submit', { view_id: modal.id, values });
  $('modal-submit').disabled = false;
  if (result.errors) {
    // Slack keeps what was typed and shows each error under its field.
    modal.errors = result.errors;
    drawModal(state.view.view);
    restoreFields($('modal-form'), values);
  } else if (!result.ok) {
    $('modal-error').textContent = result.error;
  } else {
    awaitingRoot = { channel: current.channel, after };
  }
});
// A select or checkbox group with dispatch_action: Slack sends the change at once (the
// app redraws the modal with views.update, which arrives like any other change).
$('modal-form').addEventListener('change', async (event) => {
  const field = event.target instanceof HTMLElement ? event.target : null;
  if (field?.dataset.dispatch !== 'true') return;
  const result = await post('/api/view-action', { view_id: modal.id, block_id: field.dataset.blockId, action_id: field.dataset.actionId, values: readFields($('modal-form')) });
  if (!result.ok) $('modal-error').textContent = result.error;
});
$('modal-close').addEventListener('click', () => void post('/api/close', { view_id: modal.id }));

new EventSource('/events').addEventListener('message', (event) => {
  state = JSON.parse(event.data);
  render();
});
