/**
 * Moves WAL checkpoints off the request thread. A checkpoint copies WAL pages back into the
 * database and fsyncs; done by the writer (SQLite's default, every 1,000 pages) it stalls every
 * request for milliseconds. Here a worker thread with its own connection runs PASSIVE checkpoints
 * on a timer: they never block the writer or readers, and their fsyncs happen on another core.
 * The writer keeps a far larger auto-checkpoint threshold as a backstop should the worker fall behind.
 *
 * A PASSIVE checkpoint alone never lets the WAL start over under a steady write load: SQLite
 * rewinds the WAL only when a write transaction begins with every frame already copied back, and
 * new commits land while the worker copies. So each result is reported to the store, which finishes
 * the last frames itself between two batches once the WAL is long ({@link WAL_RESTART_PAGES}).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints; short enough to keep the WAL small under heavy ingest. */
export const CHECKPOINT_INTERVAL_MS = 200;
/** The writer's own threshold, in pages, used only if the worker falls behind. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 50_000;
/**
 * A WAL longer than this (16 MiB of 4 KiB pages) is rewound: the writer copies back what the
 * worker has not yet, so the next commit writes from the WAL's start. The WAL then holds about
 * what is committed while one background checkpoint runs: under the ingest benchmark's HTTP run it
 * peaked at 39 MB instead of the backstop's 206 MB (a restart after a crash reads all of it back),
 * and throughput did not change measurably.
 */
export const WAL_RESTART_PAGES = 4_096;

// The worker is plain CommonJS given as source, so it runs the same from TypeScript sources
// (tests) and from the compiled package.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log, checkpointed });
  } catch (e) { parentPort.postMessage({ error: String(e) }); }
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

/** What one background checkpoint found: the WAL's length and how much of it is in the database, in pages. */
export interface CheckpointResult {
  readonly log: number;
  readonly checkpointed: number;
}

export interface CheckpointerEvents {
  readonly onError: (message: string) => void;
  readonly onCheckpoint: (result: CheckpointResult) => void;
}

export function startCheckpointer(path: string, events: CheckpointerEvents): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  worker.on('message', (m: { error: string } | CheckpointResult) => {
    if ('error' in m) events.onError(m.error);
    else events.onCheckpoint(m);
  });
  worker.on('error', (e) => events.onError(e.message));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        // Keep the process alive until the worker is gone: otherwise a script whose last act is
        // closing the store exits mid-close (Node's "unsettled top-level await", exit code 13).
        worker.ref();
        worker.postMessage('stop');
      }),
  };
}
