/**
 * The composition root of `stemma serve`: opens the store (the embedded one in the data directory,
 * or PostgreSQL), builds the API and the HTTP pipeline, and listens. Everything is created here and
 * passed down; nothing is global.
 */
import { join } from 'node:path';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { FsBucketStore } from '../jobs/fs-bucket-store.js';
import { ObjectStore } from '../jobs/object-store.js';
import type { S3Config } from '../jobs/s3-bucket-store.js';
import type { ImageMapping } from '../jobs/image-map.js';
import { ImageMap } from '../jobs/image-map.js';
import { ProcessRuntime } from '../jobs/process-runtime.js';
import { JobSupervisor } from '../api/jobs/supervisor.js';
import { SageMakerApi } from '../api/service.js';
import type { QuotaLimits } from '../api/quotas.js';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { createApp } from './app.js';
import type { AuthMode } from './auth-mode.js';
import { authenticatorFor, authModeOf } from './auth-mode.js';
import type { Authenticator } from './auth.js';
import type { Logger } from './log.js';
import { jsonLogger } from './log.js';
import type { RequestHandler } from './http-types.js';
import type { ListeningServer } from './http-server.js';
import { listen } from './http-server.js';
import { defaultWebRoot } from './web-root.js';

export interface ServeConfig {
  /** Directory holding the embedded database; created if missing. Unused when `db` is given. */
  readonly dataDir: string;
  /** A `postgres://` URL: run on that PostgreSQL database (shared by replicas) instead. */
  readonly db?: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly quotas: QuotaLimits | null;
  /** The deepest QueryLineage accepted (default 10, SageMaker's limit). */
  readonly maxLineageDepth?: number;
  /** Allow open (unauthenticated) mode on a non-loopback address. */
  readonly insecure: boolean;
  /** The keys file of strict mode (`--keys`); given one, the server is strict. */
  readonly keysFile?: string;
  /** Forces `open` or `strict` (`--auth`); default: strict with a keys file, else open. */
  readonly auth?: AuthMode;
  /** Image URI patterns mapped to local commands for the `process` job runtime, tried before the built-in ones. */
  readonly imageMappings?: readonly ImageMapping[];
  /** How long a stopped job has between SIGTERM and SIGKILL (default 10 s). */
  readonly stopGraceMs?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** The built web explorer to serve at `/`; `dist/web` of this package when absent. */
  readonly webRoot?: string;
  /**
   * Who requests come from, in place of the one `keysFile`/`auth` choose: tests of several
   * accounts, and the threaded server's application thread (its socket thread authenticates).
   * The keys file is then not read here; `auth`, `keysFile` and `host` still decide the mode.
   */
  readonly authenticator?: Authenticator;
  /** Serve `s3://` URIs from this S3-compatible endpoint instead of the built-in store in the data directory. */
  readonly s3?: S3Config;
  /** Embedded store only: writes per commit at most (`--commit-batch`; the store's default when absent). */
  readonly commitBatch?: number;
}

export interface RunningStemma extends ListeningServer {
  readonly store: Store;
  readonly api: SageMakerApi;
  readonly authMode: AuthMode;
}

export { isLoopback } from './auth-mode.js';

/** Everything a server is made of except its socket: the store, the API and the request handler. */
export interface Application {
  readonly handler: RequestHandler;
  readonly store: Store;
  readonly api: SageMakerApi;
  readonly authMode: AuthMode;
  /** Stops the jobs and closes the store; call after the socket stopped taking requests. */
  close(): Promise<void>;
}

/** Opens the store and builds the API and the HTTP pipeline on it (the composition root). */
export async function buildApplication(config: ServeConfig): Promise<Application> {
  const log = config.log ?? jsonLogger();
  const clock = config.clock ?? systemClock;
  // Before anything is opened: a bad keys file or an unsafe bind is a start error.
  const { mode: authMode, authenticator } = config.authenticator
    ? { mode: authModeOf(config), authenticator: config.authenticator }
    : authenticatorFor(config, clock);
  const store = await openStore({
    dataDir: config.dataDir,
    db: config.db,
    onRecovery: (result) => log.info('recovered after an unclean shutdown', { integrityCheck: result }),
    onBackgroundError: (message) => log.error('store background failure', { message }),
    // Built in the background from the start; QueryLineage answers from SQL until it is ready.
    lineageIndex: 'eager',
    onLineageIndexError: (message) => log.error('lineage index unavailable; answering from SQL', { error: message }),
    onLineageIndexReady: (stats) => log.info('lineage index ready', { ...stats }),
    commitBatch: config.commitBatch,
  });
  // The S3 client is loaded only when an endpoint is configured: it is a tenth of a second of start-up.
  const objects = new ObjectStore(
    config.s3 ? new (await import('../jobs/s3-bucket-store.js')).S3BucketStore(config.s3) : new FsBucketStore(join(config.dataDir, 'objects')),
  );
  try {
    const jobs = new JobSupervisor(
      {
        runtime: new ProcessRuntime({ images: new ImageMap(config.imageMappings ?? []), stopGraceMs: config.stopGraceMs }),
        objects,
        workRoot: join(config.dataDir, 'jobs'),
        runnerId: `${hostname()}:${resolve(config.dataDir)}`,
        onError: (message) => log.error('job bookkeeping failed', { message }),
      },
      clock,
    );
    const api = new SageMakerApi({ store, clock, config: { quotas: config.quotas, maxLineageDepth: config.maxLineageDepth }, jobs });
    const recovered = await api.recoverJobs();
    if (recovered.jobs > 0) log.info('marked jobs interrupted by a restart as failed', { jobs: recovered.jobs });
    if (recovered.endpoints > 0) log.info('serving endpoints again after a restart', { endpoints: recovered.endpoints });
    const handler = createApp({ api, auth: authenticator, log, objects, store, webRoot: config.webRoot ?? defaultWebRoot() });
    return {
      handler,
      store,
      api,
      authMode,
      close: async () => {
        await api.shutdownJobs();
        objects.close();
        await store.close();
      },
    };
  } catch (e) {
    objects.close();
    await store.close();
    throw e;
  }
}

/** The application and its socket in this thread: what tests and embedded CLI commands use. */
export async function startStemma(config: ServeConfig): Promise<RunningStemma> {
  const app = await buildApplication(config);
  try {
    const server = await listen(app.handler, config.port, config.host);
    return {
      ...server,
      store: app.store,
      api: app.api,
      authMode: app.authMode,
      close: async () => {
        await server.close();
        await app.close();
      },
    };
  } catch (e) {
    await app.close();
    throw e;
  }
}
