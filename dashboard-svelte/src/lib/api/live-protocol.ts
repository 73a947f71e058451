// Messages of the relay's live WebSocket `/api/live` (command-relay/API.md). The event payloads are
// the generated protocol types; the envelopes below are checked against API.md's tables by
// test/live-protocol.test.ts, so a renamed op or kind fails the build instead of failing silently.
import type {
  CommandAcceptedEvent,
  CommandCompletedEvent,
  CommandExpiredEvent,
  CommandFailedEvent,
  CommandOutputEvent,
  CommandUndeliverableEvent,
  InventoryEvent,
  LogEvent,
  MetricEvent,
  NodeStatusEvent,
  ProcessEvent,
  RegistryEntryEvent,
} from '../generated/events';
import type { LatestMetrics, NodeSummary } from '../generated/api';

export type LiveTopic = 'fleet' | 'metrics' | 'logs' | 'commands';
export type LogLevel = LogEvent['level'];

export type ClientMessage =
  | { op: 'subscribe'; id: string; topic: 'fleet' }
  | { op: 'subscribe'; id: string; topic: 'metrics'; nodeId: string }
  | { op: 'subscribe'; id: string; topic: 'logs'; nodeId: string; sources?: string[]; level?: LogLevel }
  | { op: 'subscribe'; id: string; topic: 'commands' }
  | { op: 'unsubscribe'; id: string }
  | { op: 'terminal-open'; id: string; nodeId: string; cols: number; rows: number }
  | { op: 'terminal-input'; terminalId: string; data: string }
  | { op: 'terminal-resize'; terminalId: string; cols: number; rows: number }
  | { op: 'terminal-close'; terminalId: string }
  | { op: 'ping' };

export type Subscription = Extract<ClientMessage, { op: 'subscribe' }>;
export type ClientOp = ClientMessage['op'];

export type FleetEvent = NodeStatusEvent | RegistryEntryEvent | InventoryEvent | ProcessEvent;
export type CommandLifecycleEvent =
  | CommandAcceptedEvent
  | CommandUndeliverableEvent
  | CommandOutputEvent
  | CommandCompletedEvent
  | CommandFailedEvent
  | CommandExpiredEvent;
export type LiveEvent = FleetEvent | MetricEvent | LogEvent | CommandLifecycleEvent;

export interface LiveErrorBody {
  code: string;
  message: string;
  field?: string;
}

export type ServerMessage =
  | { kind: 'subscribed'; id: string; topic: LiveTopic; snapshot: NodeSummary[] | LatestMetrics | null }
  | { kind: 'unsubscribed'; id: string }
  | { kind: 'event'; id: string; event: LiveEvent }
  | { kind: 'terminal-opened'; id: string; terminalId: string; nodeId: string }
  | { kind: 'terminal-closed'; id: string; terminalId: string; reason: string }
  | { kind: 'error'; id?: string; op?: string; error: LiveErrorBody }
  | { kind: 'pong' }
  | { kind: 'closing'; reason: string };

export type ServerKind = ServerMessage['kind'];

/** Every op and kind, as runtime lists (the API.md cross-check reads them). */
export const CLIENT_OPS: readonly ClientOp[] = [
  'subscribe',
  'unsubscribe',
  'terminal-open',
  'terminal-input',
  'terminal-resize',
  'terminal-close',
  'ping',
];
export const SERVER_KINDS: readonly ServerKind[] = [
  'subscribed',
  'unsubscribed',
  'event',
  'terminal-opened',
  'terminal-closed',
  'error',
  'pong',
  'closing',
];
export const LIVE_TOPICS: readonly LiveTopic[] = ['fleet', 'metrics', 'logs', 'commands'];

/** Close codes with a meaning for the dashboard. */
export const CLOSE_SESSION_EXPIRED = 4401;
export const CLOSE_TOO_SLOW = 4008;
