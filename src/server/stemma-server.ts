/**
 * The composition root of `stemma serve`: opens the store (the embedded one in the data directory,
 * or PostgreSQL), builds the API and the HTTP pipeline, and listens. Everything is created here and
 * passed down; nothing is global.
 */
import { isIP } from 'node:net';
import { SageMakerApi } from '../api/service.js';
import type { QuotaLimits } from '../api/quotas.js';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { createApp } from './app.js';
import { openAuthenticator } from './auth.js';
import type { Logger } from './log.js';
import { jsonLogger } from './log.js';
import type { ListeningServer } from './node-server.js';
import { listen } from './node-server.js';
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
  readonly clock?: Clock;
  readonly log?: Logger;
  /** The built web explorer to serve at `/`; `dist/web` of this package when absent. */
  readonly webRoot?: string;
}

export interface RunningStemma extends ListeningServer {
  readonly store: Store;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export async function startStemma(config: ServeConfig): Promise<RunningStemma> {
  const log = config.log ?? jsonLogger();
  if (!isLoopback(config.host) && !config.insecure) {
    throw new Error(
      `Refusing to listen on ${config.host} without authentication: open mode accepts any credentials. ` +
        'Bind to 127.0.0.1, or pass --insecure if this network is trusted.',
    );
  }
  const store = await openStore({
    dataDir: config.dataDir,
    db: config.db,
    onRecovery: (result) => log.info('recovered after an unclean shutdown', { integrityCheck: result }),
    onBackgroundError: (message) => log.error('store background failure', { message }),
    // Built in the background from the start; QueryLineage answers from SQL until it is ready.
    lineageIndex: 'eager',
    onLineageIndexError: (message) => log.error('lineage index unavailable; answering from SQL', { error: message }),
    onLineageIndexReady: (stats) => log.info('lineage index ready', { ...stats }),
  });
  try {
    const api = new SageMakerApi({ store, clock: config.clock ?? systemClock, config: { quotas: config.quotas, maxLineageDepth: config.maxLineageDepth } });
    const app = createApp({ api, auth: openAuthenticator(), log, store, webRoot: config.webRoot ?? defaultWebRoot() });
    const server = await listen(app, config.port, config.host);
    return {
      ...server,
      store,
      close: async () => {
        await server.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
