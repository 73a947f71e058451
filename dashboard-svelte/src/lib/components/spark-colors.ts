// Canvas needs concrete colours; read the CSS variables once per theme, not once per draw.
let cacheKey = '';
let cache = { line: '#1f5fbf', bad: '#c62828' };
let darkQuery: MediaQueryList | null = null;

export function sparkColors(): { line: string; bad: string } {
  if (typeof document === 'undefined') return cache;
  darkQuery ??= typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const key = `${document.documentElement.dataset.theme ?? ''}/${darkQuery?.matches ?? false}`;
  if (key !== cacheKey) {
    const cs = getComputedStyle(document.documentElement);
    cache = {
      line: cs.getPropertyValue('--spark').trim() || cache.line,
      bad: cs.getPropertyValue('--bad').trim() || cache.bad,
    };
    cacheKey = key;
  }
  return cache;
}
