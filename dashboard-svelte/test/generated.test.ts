// The generated types must match the contracts they come from: a schema or openapi.yml change
// without `npm run gen` fails here.
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
// @ts-expect-error plain ESM build script without types
import { outputs, generateEvents } from '../scripts/gen-types.mjs';
// @ts-expect-error plain ESM build script without types
import { toTs } from '../scripts/schema-to-ts.mjs';
import { PROTOCOL_EVENT_TYPES } from '../src/lib/generated/events';

describe('generated types', () => {
  it('are up to date with the protocol schemas and the relay openapi.yml', () => {
    const files = outputs() as [string, string][];
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const [file, text] of files) {
      expect(existsSync(file), `${file} missing: run npm run gen`).toBe(true);
      expect(readFileSync(file, 'utf8') === text, `${file} is stale: run npm run gen`).toBe(true);
    }
  });

  it('cover every protocol schema', () => {
    const out = generateEvents() as string;
    expect(PROTOCOL_EVENT_TYPES).toContain('node-status');
    expect(PROTOCOL_EVENT_TYPES).toContain('command-output');
    expect(out).toContain('export interface NodeStatusEvent');
  });

  it('converts the schema constructs the contracts use', () => {
    expect(toTs({ type: ['string', 'null'] })).toBe('string | null');
    expect(toTs({ enum: ['A', 'B', null] })).toBe('"A" | "B" | null');
    expect(toTs({ const: 'x' })).toBe('"x"');
    expect(toTs({ type: 'array', items: { type: 'integer' } })).toBe('number[]');
    expect(toTs({ type: 'object', additionalProperties: { type: 'string' } })).toBe('{\n  [key: string]: string;\n}');
    expect(toTs({ type: 'object', required: ['a'], properties: { a: { type: 'boolean' }, 'b-c': { type: 'number' } } })).toBe('{\n  a: boolean;\n  "b-c"?: number;\n}');
    expect(toTs({ $ref: '#/components/schemas/Role' }, { ref: () => 'Role' })).toBe('Role');
    expect(toTs({ oneOf: [{ $ref: '#/x' }, { type: 'null' }] }, { ref: () => 'X' })).toBe('X | null');
    expect(() => toTs({ type: 'weird' })).toThrow(/unsupported/);
  });
});
