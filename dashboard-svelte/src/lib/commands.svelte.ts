// Tracks the commands this operator issued, from the live `commands` subscription. Events can
// arrive before the POST that issued the command has answered, so unknown ids are kept too.
import type { CommandLifecycleEvent } from './api/live-protocol';

export type RunStatus = 'sent' | 'queued' | 'accepted' | 'completed' | 'failed' | 'undeliverable' | 'expired' | 'timeout';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;
export const stripAnsi = (s: string) => s.replace(ANSI, '');

export class CommandRun {
  readonly commandId: string;
  nodeId = $state('');
  status = $state<RunStatus>('sent');
  exitCode = $state<number | null>(null);
  durationMs = $state<number | null>(null);
  detail = $state<string | null>(null);
  /** Output so far, chunks in order, ANSI sequences removed (shown as plain text). */
  output = $state('');
  private chunks = new Map<number, string>();

  constructor(commandId: string) {
    this.commandId = commandId;
  }

  get finished(): boolean {
    return this.status !== 'sent' && this.status !== 'queued' && this.status !== 'accepted';
  }

  apply(e: CommandLifecycleEvent): void {
    this.nodeId = e.nodeId;
    switch (e.type) {
      case 'command-accepted':
        if (!this.finished) this.status = 'accepted';
        break;
      case 'command-output':
        if (e.stream === 'TERMINAL' || this.chunks.has(e.chunk)) break;
        this.chunks.set(e.chunk, e.data);
        this.output = stripAnsi(
          [...this.chunks.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([, d]) => d)
            .join(''),
        );
        break;
      case 'command-completed':
        this.status = 'completed';
        this.exitCode = e.exitCode;
        this.durationMs = e.durationMs;
        break;
      case 'command-failed':
        this.status = /time.?out/i.test(e.reason) ? 'timeout' : 'failed';
        this.detail = e.reason;
        break;
      case 'command-undeliverable':
        this.status = 'undeliverable';
        this.detail = e.reason;
        break;
      case 'command-expired':
        this.status = 'expired';
        this.detail = 'The deadline passed before the node could run it.';
        break;
    }
  }
}

export class CommandTracker {
  private runs = new Map<string, CommandRun>();
  private readonly max = 500;

  get(commandId: string): CommandRun {
    let r = this.runs.get(commandId);
    if (!r) {
      r = new CommandRun(commandId);
      this.runs.set(commandId, r);
      if (this.runs.size > this.max) this.runs.delete(this.runs.keys().next().value as string);
    }
    return r;
  }

  apply(e: CommandLifecycleEvent): void {
    this.get(e.commandId).apply(e);
  }
}

export const STATUS_TEXT: Record<RunStatus, string> = {
  sent: 'sent',
  queued: 'queued until the node is online',
  accepted: 'running',
  completed: 'completed',
  failed: 'failed',
  undeliverable: 'could not be delivered',
  expired: 'expired',
  timeout: 'timed out',
};
