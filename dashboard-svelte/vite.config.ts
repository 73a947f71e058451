import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The relay serves dist/ at `/`; in development `vite` proxies the API to a relay (or to the
// synthetic test server, scripts/test-server.mjs) at DVIC_RELAY_URL.
const relay = process.env.DVIC_RELAY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  base: './',
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: relay, ws: true, changeOrigin: false },
    },
  },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 800 },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
  },
});
