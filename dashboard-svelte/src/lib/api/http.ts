// Typed REST client for the command relay. Operation ids, paths, query, body and response types
// all come from src/lib/generated/api.ts (generated from the relay's openapi.yml).
import type { ApiOperations, ErrorBody } from '../generated/api';
import { API_OPERATIONS } from '../generated/api';

export type OpId = keyof ApiOperations;
type Op<K extends OpId> = ApiOperations[K];

/** Path parameters named in the operation's path template, e.g. `{nodeId}`. */
type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name | keyof PathParams<Rest>]: string }
  : {};

export type RequestArgs<K extends OpId> = (keyof PathParams<Op<K>['path']> extends never
  ? { path?: undefined }
  : { path: PathParams<Op<K>['path']> }) &
  ([Op<K>['body']] extends [never] ? { body?: undefined } : { body: Op<K>['body'] }) &
  ([Op<K>['query']] extends [never] ? { query?: undefined } : { query?: Op<K>['query'] }) & {
    signal?: AbortSignal;
  };

/** An error answer of the relay (or a network failure, status 0), with its machine code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Builds `/api/nodes/abc/metrics?metric=a&metric=b&from=1` from a template and arguments. */
export function buildUrl(template: string, path?: Record<string, string>, query?: Record<string, unknown>): string {
  let url = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = path?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(v);
  });
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, String(x)));
    else qs.append(k, String(v));
  }
  const q = qs.toString();
  if (q) url += '?' + q;
  return url;
}

export class Api {
  /** Called on every 401 so the app can send the user back to the login form. */
  onUnauthenticated: () => void = () => {};

  constructor(
    private readonly base = '',
    private readonly fetchImpl: Fetch = (i, init) => fetch(i, init),
  ) {}

  url<K extends OpId>(id: K, args: Omit<RequestArgs<K>, 'body' | 'signal'>): string {
    const op = API_OPERATIONS[id];
    return this.base + buildUrl(op.path, args.path as Record<string, string> | undefined, args.query as Record<string, unknown>);
  }

  async call<K extends OpId>(id: K, ...rest: {} extends RequestArgs<K> ? [RequestArgs<K>?] : [RequestArgs<K>]): Promise<Op<K>['response']> {
    const args = (rest[0] ?? {}) as RequestArgs<K>;
    const op = API_OPERATIONS[id];
    const init: RequestInit = { method: op.method, credentials: 'same-origin', headers: { accept: 'application/json' }, signal: args.signal };
    if (args.body !== undefined) {
      init.body = JSON.stringify(args.body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    } else if (op.method !== 'GET') {
      // The relay wants JSON on every state-changing request (CSRF rule), even an empty one.
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(id, args), init);
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'The relay cannot be reached. Check the connection and try again.');
    }
    if (res.status === 204) return undefined as Op<K>['response'];
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const body = (json as { error?: ErrorBody } | undefined)?.error;
      const err = new ApiError(res.status, body?.code ?? `http_${res.status}`, body?.message ?? (res.statusText || `HTTP ${res.status}`), body?.field);
      if (res.status === 401 && !op.path.startsWith('/api/auth/')) this.onUnauthenticated();
      throw err;
    }
    return json as Op<K>['response'];
  }
}

/** What to tell a person about a failed request: short, specific, and actionable. */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  switch (e.code) {
    case 'node_offline':
      return 'The node is offline: the command was not sent. Try again when it is back online, or queue it with a deadline.';
    case 'exec_refused':
      return 'This node does not allow remote execution (agent setting).';
    case 'terminal_refused':
      return 'This node does not allow terminals (agent setting), or it is offline.';
    case 'node_revoked':
      return 'The node is revoked.';
    case 'not_an_agent':
      return 'ESP32 boards take no commands.';
    case 'forbidden':
      return 'Not allowed: your role does not permit this.';
    case 'unauthenticated':
      return 'Your session has ended. Please log in again.';
    case 'invalid_credentials':
      return 'Wrong username or password.';
    case 'rate_limited':
      return 'Too many attempts. Wait a moment and try again.';
    case 'unavailable':
      return 'The relay timed out talking to Kafka or Cassandra. Try again.';
    case 'timeout':
      return 'The command timed out.';
    case 'validation':
      return e.field ? `${e.field}: ${e.message}` : e.message;
    default:
      return e.message;
  }
}
