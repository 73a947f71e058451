// The live socket's messages are described in prose tables (command-relay/API.md); this keeps the
// client's op, kind and topic lists in step with them.
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLIENT_OPS, LIVE_TOPICS, SERVER_KINDS } from '../src/lib/api/live-protocol';

const API_MD = resolve(__dirname, '../../command-relay/API.md');

function tableFirstColumn(md: string, heading: string): string[] {
  const start = md.indexOf(heading);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const lines = md.slice(start).split('\n').slice(1);
  const out: string[] = [];
  let inTable = false;
  for (const l of lines) {
    if (l.startsWith('|')) {
      inTable = true;
      const cell = l.split('|')[1].trim();
      const m = /^`([^`]+)`$/.exec(cell);
      if (m) out.push(m[1]);
    } else if (inTable) break;
  }
  return out;
}

describe.skipIf(!existsSync(API_MD))('live protocol vs command-relay/API.md', () => {
  const md = existsSync(API_MD) ? readFileSync(API_MD, 'utf8') : '';
  it('client ops match', () => {
    expect(new Set(tableFirstColumn(md, '### Client → server'))).toEqual(new Set(CLIENT_OPS));
  });
  it('server kinds match', () => {
    expect(new Set(tableFirstColumn(md, '### Server → client'))).toEqual(new Set(SERVER_KINDS));
  });
  it('every topic is documented', () => {
    for (const t of LIVE_TOPICS) expect(md).toContain(`topic: "${t}"`);
  });
});
