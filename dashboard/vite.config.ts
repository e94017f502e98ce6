import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** `npm run dev:dashboard` proxies the API and socket.io to a daemon running on this address. */
const daemon = process.env.BENCHSIGHT_DAEMON_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  // Preact's automatic JSX runtime through esbuild: no Babel in the toolchain.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 200,
    rollupOptions: {
      // the dashboard, and the login page (served at /login) with the same language and catalogues
      input: { index: join(root, 'index.html'), login: join(root, 'login.html') },
      // libraries in chunks of their own: each stays small and is cached across dashboard updates
      output: { manualChunks: { uplot: ['uplot'], intl: ['intl-messageformat'] } },
    },
  },
  server: {
    proxy: {
      '/api': daemon,
      '/metrics': daemon,
      '/socket.io': { target: daemon, ws: true },
    },
  },
});
