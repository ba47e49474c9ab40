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
    // The entry chunk (React, Mantine, the public screens) is ~500 kB; signed-in screens load
    // as their own chunks (app.tsx). The budget that matters is the compressed JavaScript the
    // login route loads (300 kB, measured by npm run bench).
    chunkSizeWarningLimit: 700,
  },
});
