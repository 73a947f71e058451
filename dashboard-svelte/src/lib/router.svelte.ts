// Hash routes, so the relay can serve index.html at `/` with no server-side routing:
//   #/             fleet view
//   #/node/<id>    node view (optional ?tab=...)
export type Route = { name: 'fleet' } | { name: 'node'; id: string; tab: string | null };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const [path, query] = h.split('?', 2);
  const m = /^\/node\/([0-9a-fA-F-]{1,64})\/?$/.exec(path);
  if (m) return { name: 'node', id: m[1].toLowerCase(), tab: new URLSearchParams(query ?? '').get('tab') };
  return { name: 'fleet' };
}

export const nodeHref = (id: string, tab?: string) => `#/node/${id}${tab ? `?tab=${tab}` : ''}`;

export class Router {
  route = $state<Route>({ name: 'fleet' });
  constructor() {
    if (typeof window === 'undefined') return;
    this.route = parseHash(location.hash);
    window.addEventListener('hashchange', () => (this.route = parseHash(location.hash)));
  }
}
