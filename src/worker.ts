import { runWorker } from './worker-process.ts';

// `npm run worker`: the background workers without the HTTP server (src/worker-process.ts).
await runWorker();
