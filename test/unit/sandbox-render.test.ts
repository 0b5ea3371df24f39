import { describe, expect, it } from 'vitest';
import { renderBlocks, renderView } from '../../src/sandbox/page/blocks.js';
import { renderMrkdwn } from '../../src/sandbox/page/mrkdwn.js';
import { escapeMrkdwn } from '../../src/slack/mrkdwn.js';
import { incidentModal } from '../../src/slack/blocks/incident-modal.js';
import { rootMessage } from '../../src/slack/blocks/root-message.js';

/** The sandbox page's rendering of what the app sends (the same files the browser loads). */
const names = { users: { U0SANDBOX1: 'you' }, channels: { C0ALERTS01: 'alerts' } };

/** The visible text of rendered HTML, as a browser would show it. */
function visible(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('sandbox mrkdwn rendering', () => {
  it('shows escaped text literally: a typed <!channel> is text, a real one is a broadcast', () => {
    const typed = renderMrkdwn(escapeMrkdwn('<!channel> look at <@U0SANDBOX1> & <https://evil.example|this>'), names);
    expect(visible(typed)).toBe('<!channel> look at <@U0SANDBOX1> & <https://evil.example|this>');
    expect(typed).not.toContain('class="mention');
    expect(typed).not.toContain('<a ');

    const real = renderMrkdwn('<!channel> see <#C0ALERTS01>, ask <@U0SANDBOX1>', names);
    expect(real).toContain('<span class="mention broadcast">@channel</span>');
    expect(visible(real)).toBe('@channel see #alerts, ask @you');
  });

  it('renders bold, italic, strike, code, links and emoji codes, and nothing inside code', () => {
    const html = renderMrkdwn('*Delivery:* _slow_ ~gone~ `a *b* <!here>` <https://example.com/x?a=1&amp;b=2|docs> :x:\nnext');
    expect(html).toContain('<b>Delivery:</b>');
    expect(html).toContain('<i>slow</i>');
    expect(html).toContain('<s>gone</s>');
    expect(html).toContain('<code>a *b* &lt;!here&gt;</code>');
    expect(html).toContain('<a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">docs</a>');
    expect(html).toContain('❌');
    expect(html).toContain('<br>next');
  });

  it('never lets text become HTML, and only http(s)/mailto become links', () => {
    expect(renderMrkdwn('&lt;img src=x onerror=alert(1)&gt;')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(renderMrkdwn('<javascript:alert(1)|click>')).toBe('click');
    expect(renderMrkdwn('snake_case_word and wrun_01K')).toBe('snake_case_word and wrun_01K');
  });
});

describe('sandbox Block Kit rendering', () => {
  it("draws the app's root message: header, escaped section, context, divider, and the live summary", () => {
    const incident = { id: 'INC-7K3F9Q2M', severity: 'critical' as const, message: '<!channel> db is down', reporterId: 'U0SANDBOX1', reporterName: 'you', channelId: 'C0INCIDENT', reportedAt: '2026-12-03T10:00:00.000Z' };
    const html = renderBlocks(rootMessage(incident, { statuses: [{ channel: 'sms', status: 'failed' }] }).blocks, names);
    expect(html).toContain('<div class="b-header">🔴 CRITICAL · INC-7K3F9Q2M</div>');
    expect(visible(html)).toContain('<!channel> db is down');
    expect(html).not.toContain('broadcast');
    expect(html).toContain('<hr class="b-divider">');
    expect(visible(html)).toContain('Reported by @you');
    expect(visible(html)).toContain('Delivery: ❌ sms — 0/1 delivered');
    // The control panel's buttons, as the sandbox page draws them.
    for (const label of ['Acknowledge', 'Resolve', 'Retry failed']) expect(visible(html)).toContain(label);
  });

  it('draws fields, buttons by position, and says what it cannot show', () => {
    const html = renderBlocks([
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Status*' }, { type: 'plain_text', text: 'open <b>' }] },
      { type: 'actions', block_id: 'lifecycle', elements: [{ type: 'button', action_id: 'ack', text: { type: 'plain_text', text: 'Acknowledge' }, style: 'primary', value: 'INC-1' }] },
      { type: 'rich_text', elements: [] },
    ]);
    expect(html).toContain('<div class="b-fields"><div><b>Status</b></div><div>open &lt;b&gt;</div></div>');
    expect(html).toContain('<button type="button" class="b-button primary" data-block-index="1" data-element="0">Acknowledge</button>');
    expect(html).toContain('[a rich_text block is not shown in the sandbox]');
  });

  it('draws the incident modal as a form, with inline errors under their fields', () => {
    const view = incidentModal({ channelId: 'C0INCIDENT', initialMessage: 'db <slow>', topics: [] }) as unknown as Record<string, unknown>;
    const parts = renderView(view, { message: 'Describe what is happening.' });
    expect(parts.title).toBe('Report an incident');
    expect(parts.submit).toBe('Send alert');
    expect(parts.body).toContain('<select id="in-severity" data-block-id="severity" data-action-id="severity_select" data-dispatch="true">');
    expect(parts.body).toContain('<option value="critical">🔴 Critical</option>');
    expect(parts.body).toMatch(/<textarea id="in-message" data-block-id="message" data-action-id="message_input" maxlength="2000"[^>]*>db &lt;slow&gt;<\/textarea>/);
    expect(parts.body).toContain('<div class="field-error" role="alert">Describe what is happening.</div>');
    expect(parts.body.match(/field-error/g)).toHaveLength(1);
  });

  it('draws checkboxes ticked as the app set them, and marks the fields that send their changes', () => {
    const checkbox = (view: Record<string, unknown>) => /<input type="checkbox"[^>]*>/.exec(renderView(view).body)?.[0];
    const plain = incidentModal({ channelId: 'C0INCIDENT', topics: [] }) as unknown as Record<string, unknown>;
    expect(checkbox(plain)).toBe('<input type="checkbox" id="in-broadcast" data-block-id="broadcast" data-action-id="broadcast_toggle" data-dispatch="true" value="broadcast">');
    expect(visible(renderView(plain).body)).toContain('All hands (optional) 📣 Broadcast to every configured target');
    expect(renderView(plain).body).not.toContain('not shown in the sandbox');
    // The message does not dispatch: typing in it sends nothing.
    expect(renderView(plain).body).toMatch(/<textarea id="in-message" data-block-id="message" data-action-id="message_input" maxlength/);

    const ticked = incidentModal({ channelId: 'C0INCIDENT', topics: [], broadcast: true }) as unknown as Record<string, unknown>;
    expect(checkbox(ticked)).toMatch(/ value="broadcast" checked>$/);

    const options = [{ text: { type: 'plain_text', text: 'a <b>' }, value: 'a' }, { text: { type: 'mrkdwn', text: '*b*' }, value: 'b' }];
    const group = renderView({ blocks: [{ type: 'input', block_id: 'g', label: { type: 'plain_text', text: 'Pick' }, element: { type: 'checkboxes', action_id: 'p', options, initial_options: [options[1]] } }] }).body;
    expect(group).toContain('<input type="checkbox" id="in-g" data-block-id="g" data-action-id="p" value="a"> a &lt;b&gt;</label>');
    expect(group).toContain('<input type="checkbox" data-block-id="g" data-action-id="p" value="b" checked> <b>b</b></label>');
  });
});
