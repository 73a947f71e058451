// Who is logged in, and what their role lets them do. The UI asks `can(...)` before it shows an
// action; the relay enforces the same rules on every request, this only keeps buttons honest.
import type { Me, Role } from './generated/api';
import { Api, ApiError } from './api/http';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export type Action = 'exec' | 'signal' | 'terminal' | 'bulk' | 'update' | 'audit';
const NEEDS: Record<Action, Role> = { exec: 'operator', signal: 'operator', terminal: 'operator', bulk: 'operator', audit: 'operator', update: 'admin' };

export function allowed(role: Role | null | undefined, action: Action): boolean {
  return !!role && RANK[role] >= RANK[NEEDS[action]];
}

export class Session {
  me = $state<Me | null>(null);
  checked = $state(false);
  role = $derived<Role | null>(this.me?.role ?? null);

  constructor(private readonly api: Api) {}

  can(action: Action): boolean {
    return allowed(this.role, action);
  }

  /** Asks the relay who we are (the session cookie is HttpOnly, so this is the only way). */
  async restore(): Promise<void> {
    try {
      this.me = await this.api.call('get /api/auth/me');
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      this.me = null;
    } finally {
      this.checked = true;
    }
  }

  async login(username: string, password: string): Promise<void> {
    this.me = await this.api.call('post /api/auth/login', { body: { username, password } });
  }

  async logout(): Promise<void> {
    try {
      await this.api.call('post /api/auth/logout');
    } finally {
      this.me = null;
    }
  }
}
