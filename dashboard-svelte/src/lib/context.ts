// The app's services, created once in main.ts and handed to components through context.
import { getContext, setContext } from 'svelte';
import type { Api } from './api/http';
import type { LiveClient } from './api/live';
import type { Fleet } from './fleet.svelte';
import type { Session } from './session.svelte';
import type { Toasts } from './toasts.svelte';
import type { CommandTracker } from './commands.svelte';

export interface AppServices {
  api: Api;
  live: LiveClient;
  fleet: Fleet;
  session: Session;
  toasts: Toasts;
  commands: CommandTracker;
}

export const SERVICES_KEY = Symbol('dvic.services');
const KEY = SERVICES_KEY;
export const provideServices = (s: AppServices) => setContext(KEY, s);
export const services = (): AppServices => getContext<AppServices>(KEY);
