/**
 * Chooses and opens the store a server runs on: the embedded SQLite database in a data directory,
 * or a PostgreSQL database shared by several replicas when a `postgres://` URL is given.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresStore, redactUrl } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { SqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** Directory of the embedded database; used when `db` is not given. */
  readonly dataDir: string;
  /** A `postgres://` (or `postgresql://`) URL: use that PostgreSQL database instead. */
  readonly db?: string;
  /** Called when the embedded store recovered from an unclean shutdown. */
  readonly onRecovery?: (integrityCheck: string) => void;
  /** Called when something in the background fails (a checkpoint, an idle connection). */
  readonly onBackgroundError?: (message: string) => void;
  /** Embedded store only: when to build the in-memory lineage index (see sqlite-store.ts). */
  readonly lineageIndex?: SqliteStoreOptions['lineageIndex'];
  readonly onLineageIndexError?: SqliteStoreOptions['onLineageIndexError'];
  readonly onLineageIndexReady?: SqliteStoreOptions['onLineageIndexReady'];
  /** Embedded store only: writes per commit at most. */
  readonly commitBatch?: SqliteStoreOptions['commitBatch'];
}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The embedded database file inside a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'stemma.db');
}

/** Where the store lives, for logs and messages: the data directory, or the URL without its password. */
export function describeStore(config: Pick<StoreConfig, 'dataDir' | 'db'>): string {
  return config.db === undefined ? config.dataDir : redactUrl(config.db);
}

export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.db !== undefined) {
    if (!isPostgresUrl(config.db)) {
      // The value is not echoed: it may hold a password.
      throw new Error('Unsupported database URL: expected postgres://user:password@host:port/database.');
    }
    return PostgresStore.open({ url: config.db, onConnectionError: config.onBackgroundError });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteStore.open({
    path: databasePath(config.dataDir),
    onRecovery: config.onRecovery,
    onCheckpointError: config.onBackgroundError,
    lineageIndex: config.lineageIndex,
    onLineageIndexError: config.onLineageIndexError,
    onLineageIndexReady: config.onLineageIndexReady,
    commitBatch: config.commitBatch,
  });
}
