// One WebSocket per tab to `/api/live`, shared by every view. Subscriptions survive reconnects:
// after a drop (relay restart, 4008 "too slow") the socket comes back with backoff and every
// live subscription is sent again, which brings a fresh snapshot.
import {
  CLOSE_SESSION_EXPIRED,
  type ClientMessage,
  type LiveErrorBody,
  type LiveEvent,
  type ServerMessage,
  type Subscription,
} from './live-protocol';

export interface SubscriptionHandlers {
  snapshot?: (snapshot: unknown) => void;
  event: (event: LiveEvent) => void;
  error?: (error: LiveErrorBody) => void;
}

export interface TerminalHandlers {
  opened: (terminalId: string) => void;
  event: (event: LiveEvent) => void;
  closed: (reason: string) => void;
  error: (error: LiveErrorBody) => void;
}

export type LiveState = 'connecting' | 'open' | 'closed';

/** The parts of the browser WebSocket the client uses (tests pass a fake). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

let counter = 0;
export const nextId = (prefix: string) => `${prefix}-${++counter}`;

export class LiveClient {
  private socket: SocketLike | null = null;
  private subs = new Map<string, { msg: Subscription; h: SubscriptionHandlers }>();
  private terminals = new Map<string, TerminalHandlers>(); // by request id
  private outbox: string[] = [];
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  state: LiveState = 'closed';
  onState: (s: LiveState, detail?: string) => void = () => {};
  onSessionExpired: () => void = () => {};

  constructor(private readonly open: () => SocketLike = defaultOpen) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000, 'bye');
    }
    this.setState('closed');
  }

  subscribe(msg: Subscription, h: SubscriptionHandlers): () => void {
    this.subs.set(msg.id, { msg, h });
    this.send(msg);
    return () => {
      if (this.subs.get(msg.id)?.h === h) {
        this.subs.delete(msg.id);
        this.send({ op: 'unsubscribe', id: msg.id });
      }
    };
  }

  openTerminal(nodeId: string, cols: number, rows: number, h: TerminalHandlers): string {
    const id = nextId('term');
    this.terminals.set(id, h);
    this.send({ op: 'terminal-open', id, nodeId, cols, rows });
    return id;
  }

  forgetTerminal(id: string): void {
    this.terminals.delete(id);
  }

  send(msg: ClientMessage): void {
    const text = JSON.stringify(msg);
    if (this.socket && this.socket.readyState === 1) this.socket.send(text);
    else if (msg.op !== 'subscribe' && msg.op !== 'unsubscribe') this.outbox.push(text);
    // subscriptions are (re)sent from `subs` on open; no need to queue them
  }

  private setState(s: LiveState, detail?: string) {
    this.state = s;
    this.onState(s, detail);
  }

  private connect() {
    this.setState('connecting');
    let s: SocketLike;
    try {
      s = this.open();
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    s.onopen = () => {
      this.retry = 0;
      this.setState('open');
      for (const { msg } of this.subs.values()) s.send(JSON.stringify(msg));
      for (const t of this.outbox.splice(0)) s.send(t);
    };
    s.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let m: ServerMessage;
      try {
        m = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      this.dispatch(m);
    };
    s.onerror = () => {};
    s.onclose = (ev) => {
      this.socket = null;
      // terminals do not survive a socket: tell their owners
      for (const [, t] of this.terminals) t.closed('connection lost');
      this.terminals.clear();
      if (ev.code === CLOSE_SESSION_EXPIRED) {
        this.stopped = true;
        this.setState('closed', 'session expired');
        this.onSessionExpired();
        return;
      }
      this.setState('closed', ev.reason || `code ${ev.code}`);
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    if (this.stopped) return;
    const delay = Math.min(10_000, 250 * 2 ** this.retry++) * (0.75 + Math.random() * 0.5);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  /** Routes one server message to its subscription or terminal (public for tests and benches). */
  dispatch(m: ServerMessage): void {
    switch (m.kind) {
      case 'subscribed':
        this.subs.get(m.id)?.h.snapshot?.(m.snapshot);
        break;
      case 'event': {
        const sub = this.subs.get(m.id);
        if (sub) sub.h.event(m.event);
        else this.terminals.get(m.id)?.event(m.event);
        break;
      }
      case 'terminal-opened':
        this.terminals.get(m.id)?.opened(m.terminalId);
        break;
      case 'terminal-closed': {
        const t = this.terminals.get(m.id);
        this.terminals.delete(m.id);
        t?.closed(m.reason);
        break;
      }
      case 'error':
        if (m.id && this.subs.has(m.id)) this.subs.get(m.id)!.h.error?.(m.error);
        else if (m.id && this.terminals.has(m.id)) this.terminals.get(m.id)!.error(m.error);
        break;
      case 'closing':
        this.setState('closed', m.reason);
        break;
      default:
        break;
    }
  }
}

function defaultOpen(): SocketLike {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // the relay serves the app and the API from one origin
  return new WebSocket(`${proto}//${location.host}/api/live`) as unknown as SocketLike;
}
