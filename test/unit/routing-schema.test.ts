import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { routingFileSchema } from '../../src/routing/routing-file.js';
import { channelSpecs } from '../../src/routing/routing-source.js';

/**
 * The routing file's JSON Schema (for editors: the example's `$schema` points at it)
 * is generated from the zod schema the app validates with, so the two cannot drift:
 * this test fails when the committed file is stale. `npm run routing:schema` rewrites it.
 */
const SCHEMA_PATH = fileURLToPath(new URL('../../src/routing/routing.schema.json', import.meta.url));
const EXAMPLE_PATH = fileURLToPath(new URL('../../src/routing/routing.example.json', import.meta.url));

function generated(): string {
  const schema = z.toJSONSchema(routingFileSchema(channelSpecs()), { io: 'input', unrepresentable: 'any' }) as unknown as {
    properties: { escalation: { properties: Record<string, unknown> } };
  };
  // Each severity's escalation may also be "never": the app reads that before the
  // policy's own validation (so its errors name its fields), which zod cannot express.
  const perSeverity = schema.properties.escalation.properties;
  for (const [severity, policy] of Object.entries(perSeverity)) perSeverity[severity] = { anyOf: [{ const: 'never' }, policy] };
  return `${JSON.stringify({ ...schema, title: 'Incident Router routing file', $id: 'routing.schema.json' }, null, 2)}\n`;
}

it('the committed JSON Schema is the one the zod schema generates', () => {
  if (process.env.UPDATE_ROUTING_SCHEMA) writeFileSync(SCHEMA_PATH, generated());
  expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(generated());
});

it('the example routing file validates against the JSON Schema, and a typo does not', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  const validate = new Ajv2020({ strict: false }).compile(schema);
  const example = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8'));
  expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  expect(validate({ ...example, rules: [{ targets: ['slack'], minSeverity: 'sev1' }] })).toBe(false);
  expect(validate({ ...example, subscriber: [] })).toBe(false);
});
