import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by scripts/build-web.mjs (npm start runs it when web/ changed); served by
// src/web/dashboard.routes.ts at /app, so every asset URL starts with /app/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // One chunk of ~520 kB (React, Mantine, the app): the budget that matters is the compressed
    // size the login route loads (300 kB, measured by npm run bench), ~130 kB as served.
    chunkSizeWarningLimit: 700,
  },
});
