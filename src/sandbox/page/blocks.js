// Block Kit to HTML, generically: header, section (text, fields, button accessory),
// context, divider, actions (buttons), image (its alt text), and the input blocks of a
// modal (static_select, checkboxes, plain_text_input). Anything else shows as an "unsupported"
// note instead of vanishing. Pure functions, no DOM: the page and the tests share it.
import { escapeHtml, renderMrkdwn, renderPlain } from './mrkdwn.js';

/** A text object (`mrkdwn` or `plain_text`). */
export function renderText(text, names) {
  if (!text) return '';
  return text.type === 'mrkdwn' ? renderMrkdwn(text.text, names) : renderPlain(text.text, text.emoji !== false);
}

function unsupported(what) {
  return `<div class="b-unsupported">[${escapeHtml(what)} is not shown in the sandbox]</div>`;
}

/** A button; `where` says which block (by index) and element it is, for the click. */
function button(element, where) {
  const style = element.style === 'primary' || element.style === 'danger' ? ` ${element.style}` : '';
  const url = element.url ? ` data-url="${escapeHtml(element.url)}"` : '';
  return `<button type="button" class="b-button${style}" data-block-index="${where.block}" data-element="${where.element}"${url}>${renderPlain(element.text?.text)}</button>`;
}

function element(el, where, names) {
  if (el.type === 'button') return button(el, where);
  if (el.type === 'mrkdwn' || el.type === 'plain_text') return `<span>${renderText(el, names)}</span>`;
  if (el.type === 'image') return `<span class="b-image" title="${escapeHtml(el.image_url ?? '')}">🖼 ${escapeHtml(el.alt_text ?? 'image')}</span>`;
  return unsupported(`a ${el.type} element`);
}

function block(b, index, names) {
  switch (b.type) {
    case 'header':
      return `<div class="b-header">${renderText(b.text, names)}</div>`;
    case 'section': {
      const text = b.text ? `<div class="b-text">${renderText(b.text, names)}</div>` : '';
      const fields = b.fields?.length ? `<div class="b-fields">${b.fields.map((f) => `<div>${renderText(f, names)}</div>`).join('')}</div>` : '';
      const accessory = b.accessory ? `<div class="b-accessory">${element(b.accessory, { block: index, element: 'accessory' }, names)}</div>` : '';
      return `<div class="b-section"><div class="b-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="b-context">${(b.elements ?? []).map((el, i) => element(el, { block: index, element: i }, names)).join('')}</div>`;
    case 'divider':
      return '<hr class="b-divider">';
    case 'actions':
      return `<div class="b-actions">${(b.elements ?? []).map((el, i) => element(el, { block: index, element: i }, names)).join('')}</div>`;
    case 'image':
      return `<div class="b-image">🖼 ${escapeHtml(b.alt_text ?? 'image')}</div>`;
    default:
      return unsupported(`a ${b.type} block`);
  }
}

/** A message's blocks. */
export function renderBlocks(blocks, names = {}) {
  return (blocks ?? []).map((b, i) => block(b, i, names)).join('');
}

/** One input block of a modal, with its inline error if the app returned one. */
function input(b, error, names) {
  const el = b.element ?? {};
  const id = `in-${escapeHtml(b.block_id)}`;
  // An input with dispatch_action sends a block_actions on change, as in Slack.
  const data = `data-block-id="${escapeHtml(b.block_id)}" data-action-id="${escapeHtml(el.action_id)}"${b.dispatch_action ? ' data-dispatch="true"' : ''}`;
  let control;
  if (el.type === 'static_select') {
    const initial = el.initial_option?.value;
    const options = (el.options ?? [])
      .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${renderPlain(o.text?.text)}</option>`)
      .join('');
    control = `<select id="${id}" ${data}><option value="">${renderPlain(el.placeholder?.text ?? 'Select an option')}</option>${options}</select>`;
  } else if (el.type === 'checkboxes') {
    // One checkbox per option, all under the block's ids; the label points at the first.
    const ticked = new Set((el.initial_options ?? []).map((o) => o.value));
    control = `<div class="b-checkboxes">${(el.options ?? [])
      .map((o, i) => `<label><input type="checkbox"${i === 0 ? ` id="${id}"` : ''} ${data} value="${escapeHtml(o.value)}"${ticked.has(o.value) ? ' checked' : ''}> ${renderText(o.text, names)}</label>`)
      .join('')}</div>`;
  } else if (el.type === 'plain_text_input') {
    const attrs = `id="${id}" ${data}${el.max_length ? ` maxlength="${Number(el.max_length)}"` : ''}${el.placeholder ? ` placeholder="${escapeHtml(el.placeholder.text)}"` : ''}`;
    control = el.multiline
      ? `<textarea ${attrs} rows="4">${escapeHtml(el.initial_value ?? '')}</textarea>`
      : `<input type="text" ${attrs} value="${escapeHtml(el.initial_value ?? '')}">`;
  } else {
    control = unsupported(`a ${el.type} input`);
  }
  const optional = b.optional ? ' <span class="optional">(optional)</span>' : '';
  const hint = b.hint ? `<div class="hint">${renderText(b.hint, names)}</div>` : '';
  const message = error ? `<div class="field-error" role="alert">${escapeHtml(error)}</div>` : '';
  return `<div class="b-input${error ? ' has-error' : ''}"><label for="${id}">${renderText(b.label, names)}${optional}</label>${control}${hint}${message}</div>`;
}

/** A modal view from `views.open`: its blocks, with inputs as form controls. */
export function renderView(view, errors = {}, names = {}) {
  const body = (view.blocks ?? []).map((b, i) => (b.type === 'input' ? input(b, errors[b.block_id], names) : block(b, i, names))).join('');
  return {
    title: renderPlain(view.title?.text ?? ''),
    body,
    submit: view.submit ? renderPlain(view.submit.text) : '',
    close: renderPlain(view.close?.text ?? 'Cancel'),
  };
}
