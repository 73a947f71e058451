import type { LogEvent } from './generated/events';

export const LEVELS: LogEvent['level'][] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const RANK = Object.fromEntries(LEVELS.map((l, i) => [l, i])) as Record<LogEvent['level'], number>;

export const atLeast = (l: LogEvent['level'], min: LogEvent['level']) => RANK[l] >= RANK[min];

/** Case-insensitive plain-text match on message and exception (like the relay's `q`). */
export function matches(e: LogEvent, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return e.message.toLowerCase().includes(needle) || (e.exception ?? '').toLowerCase().includes(needle);
}

export const lineKey = (e: LogEvent) => `${e.source}/${e.seq}/${e.ts}`;

/**
 * The lines a log view shows: oldest first, at most `cap`, no duplicates (history and the live
 * tail overlap). While paused, new lines wait in `held` and are shown on resume.
 */
export class LogBuffer {
  lines: LogEvent[] = [];
  held: LogEvent[] = [];
  paused = false;
  private keys = new Set<string>();
  constructor(readonly cap = 2000) {}

  setHistory(newestFirst: LogEvent[]): void {
    this.lines = [];
    this.keys.clear();
    this.held = [];
    this.append([...newestFirst].reverse());
  }

  prependOlder(newestFirst: LogEvent[]): void {
    const older = [...newestFirst].reverse().filter((e) => !this.keys.has(lineKey(e)));
    for (const e of older) this.keys.add(lineKey(e));
    this.lines = [...older, ...this.lines];
  }

  push(e: LogEvent): void {
    if (this.paused) this.held.push(e);
    else this.append([e]);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const h = this.held;
    this.held = [];
    this.append(h);
  }

  private append(list: LogEvent[]): void {
    const fresh = list.filter((e) => {
      const k = lineKey(e);
      if (this.keys.has(k)) return false;
      this.keys.add(k);
      return true;
    });
    if (!fresh.length) return;
    let all = this.lines.concat(fresh);
    if (all.length > this.cap) {
      const dropped = all.slice(0, all.length - this.cap);
      for (const e of dropped) this.keys.delete(lineKey(e));
      all = all.slice(all.length - this.cap);
    }
    this.lines = all;
  }
}
