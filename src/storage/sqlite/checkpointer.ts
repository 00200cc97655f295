/**
 * Moves WAL checkpoints off the request thread. A checkpoint copies WAL pages back into the
 * database and fsyncs; done by the writer (SQLite's default, every 1,000 pages) it stalls every
 * request for milliseconds. Here a worker thread with its own connection runs PASSIVE checkpoints
 * on a timer: they never block the writer or readers, and their fsyncs happen on another core.
 * The writer keeps a far larger auto-checkpoint threshold as a backstop should the worker fall behind.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints; short enough to keep the WAL small under heavy ingest. */
export const CHECKPOINT_INTERVAL_MS = 200;
/** The writer's own threshold, in pages, used only if the worker falls behind. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 50_000;

// The worker is plain CommonJS given as source, so it runs the same from TypeScript sources
// (tests) and from the compiled package.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage({ error: String(e) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    try { db.pragma('wal_checkpoint(PASSIVE)'); } finally { db.close(); }
    parentPort.close();
  }
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, onError: (message: string) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  worker.on('message', (m: { error?: string }) => {
    if (m.error) onError(m.error);
  });
  worker.on('error', (e) => onError(e.message));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        // While stopping, the worker must keep the process alive: unref'd, a process with nothing
        // else to do exits before the final checkpoint ends and before close() writes its marker.
        worker.ref();
        worker.postMessage('stop');
      }),
  };
}
