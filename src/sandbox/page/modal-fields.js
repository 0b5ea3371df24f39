// The modal's form fields as the page reads and restores them. Each control carries its
// block and action ids (data-block-id, data-action-id), as blocks.js draws them.

/** What is in the inputs now: a text or a select's value (null when empty), or a checkbox group's ticked values. */
export function readFields(form) {
  const values = {};
  for (const field of form.querySelectorAll('[data-block-id]')) {
    const { blockId, actionId } = field.dataset;
    values[blockId] ??= {};
    if (field.type === 'checkbox') values[blockId][actionId] = [...(values[blockId][actionId] ?? []), ...(field.checked ? [field.value] : [])];
    else values[blockId][actionId] = field.value === '' ? null : field.value;
  }
  return values;
}

/** Puts values read by readFields back into a redrawn form (like Slack, an update keeps what was typed). */
export function restoreFields(form, values) {
  for (const field of form.querySelectorAll('[data-block-id]')) {
    const value = values[field.dataset.blockId]?.[field.dataset.actionId];
    if (field.type === 'checkbox') {
      if (Array.isArray(value)) field.checked = value.includes(field.value);
    } else if (value != null) field.value = value;
  }
}

/** The field being used, to give it back its focus and caret after a redraw (a preview update can land mid-typing). */
export function focusedField(form) {
  const field = document.activeElement;
  if (!field?.dataset?.blockId || !form.contains(field)) return null;
  const text = field.type !== 'checkbox' && typeof field.selectionStart === 'number';
  return { blockId: field.dataset.blockId, value: field.type === 'checkbox' ? field.value : null, ...(text ? { start: field.selectionStart, end: field.selectionEnd } : {}) };
}

export function refocusField(form, { blockId, value, start, end }) {
  const field = [...form.querySelectorAll('[data-block-id]')].find((f) => f.dataset.blockId === blockId && (value === null || f.value === value));
  field?.focus();
  if (field && start !== undefined) field.setSelectionRange(start, end);
}
