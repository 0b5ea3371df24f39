import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, mentionChannel, mentionUser, truncateEscaped, userText } from '../../src/slack/mrkdwn.js';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<#C123>', '&lt;#C123&gt;'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['a & b', 'a &amp; b'],
    ['already &amp; escaped', 'already &amp;amp; escaped'],
    ['plain *bold* _it_', 'plain *bold* _it_'],
  ])('%s → %s', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe('truncateEscaped', () => {
  it('leaves short text alone', () => {
    expect(truncateEscaped('abc', 3)).toBe('abc');
  });

  it('cuts to the limit with an ellipsis', () => {
    const out = truncateEscaped('abcdefghij', 5);
    expect(out).toBe('abcd…');
    expect(out.length).toBe(5);
  });

  it('never splits an entity', () => {
    const escaped = escapeMrkdwn('aaaa<b');
    // 'aaaa&lt;b': a cut at 6 would leave 'aaaa&l'
    for (let max = 2; max <= escaped.length; max++) {
      const out = truncateEscaped(escaped, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/&/);
    }
  });

  it('never splits a surrogate pair', () => {
    const out = truncateEscaped('ab😀cd', 4);
    expect(out).toBe('ab…');
  });

  it('keeps escaped user text inside a limit even when escaping grows it', () => {
    const out = userText('&'.repeat(2000), 2900);
    expect(out.length).toBeLessThanOrEqual(2900);
    expect(out.endsWith('&amp;…')).toBe(true);
  });
});

describe('mentions', () => {
  it('mentions ids that Slack gave us', () => {
    expect(mentionUser('U0REPORTER')).toBe('<@U0REPORTER>');
    expect(mentionChannel('C0INCIDENT')).toBe('<#C0INCIDENT>');
  });

  it('refuses to turn anything else into a mention', () => {
    expect(mentionUser('!channel')).toBe('!channel');
    expect(mentionUser('<!here>')).toBe('&lt;!here&gt;');
    expect(mentionChannel('general>')).toBe('general&gt;');
  });
});
