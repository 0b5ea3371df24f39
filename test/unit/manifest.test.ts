import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

describe('manifest.json', () => {
  const manifest = read('../../manifest.json');
  // Slack's published app-manifest schema (MIT, slackapi/manifest-schema), vendored.
  const schema = read('../fixtures/slack-app-manifest.v1.schema.json');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it("validates against Slack's app-manifest schema", () => {
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a broken manifest is rejected', () => {
    expect(validate({ ...manifest, display_information: { name: '' }, unknown_key: true })).toBe(false);
  });

  it('declares /incident, interactivity and the bot scopes the app uses', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/incident']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.features.slash_commands[0].url).toMatch(/\/slack\/events$/);
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['commands', 'chat:write', 'chat:write.public']));
  });
});
