// jsdom lacks a few browser APIs the app uses; give them inert stand-ins.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
const g = globalThis as unknown as Record<string, unknown>;
g.ResizeObserver ??= NoopResizeObserver;
if (typeof window !== 'undefined') {
  window.matchMedia ??= ((q: string) => ({
    matches: false,
    media: q,
    onchange: null,
    addEventListener() {},
    removeEventListener() {},
    addListener() {},
    removeListener() {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
  // a 2D context that accepts every call and draws nothing (uPlot and the sparklines draw)
  const ctx: object = new Proxy(
    {},
    {
      get: (_t, k) => (k === 'measureText' ? () => ({ width: 0 }) : k === 'canvas' ? undefined : () => undefined),
      set: () => true,
    },
  );
  HTMLCanvasElement.prototype.getContext = (() => ctx) as unknown as typeof HTMLCanvasElement.prototype.getContext;
}
