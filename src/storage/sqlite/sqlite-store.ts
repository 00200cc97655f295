/**
 * The embedded store: one SQLite database file in WAL mode, used by exactly one Stemma process.
 *
 * - Durability: WAL with synchronous=NORMAL. A transaction is committed to the WAL before its
 *   request is answered, so it survives the process being killed (SIGKILL); only a power loss can
 *   take the last commits, which is SQLite's documented trade-off for NORMAL.
 * - One process: a lock file (sqlite-lock.ts) refuses a second process on the same data directory
 *   with {@link StoreLocked}.
 * - Two connections. Writes go through the writer, one transaction at a time (handlers await
 *   between statements, so transactions are queued, never interleaved). Reads go through a reader
 *   connection, each in its own read transaction: WAL gives it a consistent snapshot of committed
 *   data, so reads neither wait for writes nor see anything not yet acknowledged.
 * - Group commit: a COMMIT costs more than the statements of a typical request. Write transactions
 *   that arrive together run in one SQL transaction, each inside its own SAVEPOINT so a failing one
 *   rolls back alone, and share one COMMIT at the end of the event-loop turn (or after
 *   {@link COMMIT_BATCH} transactions). No transaction of a batch is acknowledged before that COMMIT,
 *   so "acknowledged means durable" holds.
 * - Checkpoints run in a worker thread (checkpointer.ts), so their fsyncs never stall requests.
 * - Integrity: a marker in store_meta says whether the last process closed the store. If it did
 *   not (a crash), `PRAGMA quick_check` runs before the store is used.
 */
import Database from 'better-sqlite3';
import { coerceError } from '../../core/errors.js';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { Store, StoreReader, StoreTx } from '../store.js';
import { SerialQueue } from './serial-queue.js';
import type { Checkpointer } from './checkpointer.js';
import type { CheckpointResult } from './checkpointer.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startCheckpointer, WAL_RESTART_PAGES } from './checkpointer.js';
import type { ProcessLock } from './sqlite-lock.js';
import { acquireProcessLock } from './sqlite-lock.js';
import { pendingMigrations } from '../migrations.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import type { Migration } from './sqlite-migrations.js';
import { SqliteTx } from './sqlite-tx.js';
import { WriterCache } from './writer-cache.js';
import { InsertLog } from './insert-log.js';
import { QuotaCounts } from './quota-counts.js';
import type { LineageIndexMode, LineageIndexStats } from './lineage-sync.js';
import { pruneLineageLog, resetLineageLog, SqliteLineageIndex } from './lineage-sync.js';

export interface SqliteStoreOptions {
  /** The database file. */
  readonly path: string;
  /** Called when an unclean shutdown was detected and the integrity check ran. */
  readonly onRecovery?: (result: string) => void;
  /** Called when a background checkpoint fails (the writer's own backstop checkpoints still run). */
  readonly onCheckpointError?: (message: string) => void;
  /**
   * The in-memory lineage index (lineage-sync.ts): built at open (`eager`, what a server wants),
   * on the first lineage query (`lazy`, the default), or never (`off`: QueryLineage reads SQL).
   */
  readonly lineageIndex?: LineageIndexMode;
  /** Called when building the lineage index fails (queries keep being answered from SQL). */
  readonly onLineageIndexError?: (message: string) => void;
  /** Called each time a lineage index build is done. */
  readonly onLineageIndexReady?: (stats: LineageIndexStats) => void;
  /** The writer connection's page cache in KiB ({@link WRITER_CACHE_KIB} unless a benchmark compares sizes). */
  readonly writerCacheKiB?: number;
  /** The WAL length, in pages, past which the writer rewinds it ({@link WAL_RESTART_PAGES}; tests use less). */
  readonly walRestartPages?: number;
  /** Writes per commit at most ({@link COMMIT_BATCH}; `npm run bench ingest` compares another size). */
  readonly commitBatch?: number;
}

/**
 * The reader's page cache: queries walk the lineage graph and list pages, and every page kept saves
 * a read.
 */
const READER_CACHE_KIB = 64 * 1024;

/**
 * The writer's page cache is kept small on purpose. When an insert splits a b-tree page, SQLite
 * briefly files a page under the lock-byte page number (page 262,145 at 4 KiB pages) while it sorts
 * the new siblings; the next COMMIT then truncates the cache above the end of the file, and that
 * truncation walks the whole cache's hash table. Under a steady insert load most commits follow a
 * split, so the walk is paid per commit and grows with the cache: with 64 MiB it was a third of
 * COMMIT's time. The writer touches few pages per transaction (each index's path to one leaf), so
 * 8 MiB keeps them warm; `npm run bench ingest` measures this size beside 64 MiB in the same run.
 */
export const WRITER_CACHE_KIB = 8 * 1024;

/** The writer's page cache while a bulk import runs. */
const BULK_IMPORT_CACHE_KIB = 64 * 1024;

/** Write transactions between prunings of the lineage change log. */
const PRUNE_LINEAGE_LOG_EVERY = 2_000;

/**
 * A batch commits as soon as it holds this many transactions, even while more are waiting to run.
 * Clients that wait for each answer (an SDK, the ingest benchmark's 8) send their next request
 * only once answered; committing a wave of requests in parts sends the first answers out while the
 * rest of the wave is still being run, so the next requests arrive while this thread is busy
 * instead of after it has gone idle. Four transactions take about as long to run as an answer
 * takes to come back as the next request, so the thread is kept busy. `npm run bench ingest` runs
 * a server with batches of up to 256 beside the default, taking turns, and prints the ratio:
 * smaller batches cost more commits, larger ones hold answers back.
 */
export const COMMIT_BATCH = 4;

interface Waiter {
  ack(): void;
  fail(e: unknown): void;
}

function connect(path: string, cacheKiB: number): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Savepoint journals (one per transaction in a group commit) stay in memory, not in temp files.
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = -${cacheKiB}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  private readonly lock: ProcessLock;
  private readonly checkpointer: Checkpointer;
  private readonly writer: Db;
  private readonly reader: Db;
  private readonly writeTx: SqliteTx;
  private readonly writerCache = new WriterCache();
  /** The batch's inserted entities and associations, logged for the lineage index at COMMIT. */
  private readonly inserts: InsertLog;
  /** Quota usage as the writer sees it, written once per commit batch. */
  private readonly quotas: QuotaCounts;
  private readonly readTx: SqliteTx;
  private readonly writes = new SerialQueue();
  private readonly reads = new SerialQueue();
  /** Transaction control, prepared once: parsing these on every request showed up in profiles. */
  private readonly control: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo' | 'beginRead' | 'endRead', Statement>;
  /** Write transactions done but not yet committed, waiting for their batch's COMMIT. */
  private batch: Waiter[] | undefined;
  private closed = false;
  /** The in-memory lineage graph, kept as fresh as each read's snapshot. */
  readonly lineage: SqliteLineageIndex;
  private writesSincePrune = 0;
  /** A writer-side checkpoint to rewind the WAL is queued. */
  private rewinding = false;
  private readonly walRestartPages: number;
  /** Writes per commit at most. */
  private readonly batchLimit: number;

  private constructor(
    lock: ProcessLock,
    writer: Db,
    reader: Db,
    checkpointer: Checkpointer,
    lineage: SqliteLineageIndex,
    walRestartPages: number,
    batchLimit: number,
  ) {
    this.walRestartPages = walRestartPages;
    this.batchLimit = batchLimit;
    this.lock = lock;
    this.checkpointer = checkpointer;
    this.writer = writer;
    this.reader = reader;
    this.lineage = lineage;
    this.inserts = new InsertLog(writer);
    this.quotas = new QuotaCounts(writer);
    this.writeTx = new SqliteTx(writer, { cache: this.writerCache, inserts: this.inserts, quotas: this.quotas });
    this.readTx = new SqliteTx(reader, { indexedGraph: (r) => lineage.graphFor(r) });
    this.control = {
      begin: writer.prepare('BEGIN IMMEDIATE'),
      commit: writer.prepare('COMMIT'),
      rollback: writer.prepare('ROLLBACK'),
      savepoint: writer.prepare('SAVEPOINT request'),
      release: writer.prepare('RELEASE request'),
      rollbackTo: writer.prepare('ROLLBACK TO request'),
      beginRead: reader.prepare('BEGIN'),
      endRead: reader.prepare('COMMIT'),
    };
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const lock = acquireProcessLock(options.path);
    let writer: Db | undefined;
    try {
      writer = connect(options.path, options.writerCacheKiB ?? WRITER_CACHE_KIB);
      migrate(writer, SQLITE_MIGRATIONS, options.path);
      checkAfterCrash(writer, options.path, options.onRecovery);
      writer.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      const reader = connect(options.path, READER_CACHE_KIB);
      reader.pragma('query_only = ON');
      // The checkpointer starts first and reports to the store once it exists.
      const opened: { store?: SqliteStore } = {};
      const onCheckpointError = options.onCheckpointError ?? (() => undefined);
      const checkpointer = startCheckpointer(options.path, {
        onError: onCheckpointError,
        onCheckpoint: (result) => {
          opened.store?.checkpointed(result).catch((e: unknown) => onCheckpointError(e instanceof Error ? e.message : String(e)));
        },
      });
      const lineage = new SqliteLineageIndex(
        options.path,
        options.lineageIndex ?? 'lazy',
        options.onLineageIndexError ?? (() => undefined),
        options.onLineageIndexReady,
      );
      opened.store = new SqliteStore(lock, writer, reader, checkpointer, lineage, options.walRestartPages ?? WAL_RESTART_PAGES, options.commitBatch ?? COMMIT_BATCH);
      return opened.store;
    } catch (e) {
      writer?.close();
      lock.release();
      throw e;
    }
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.writes
        .run(async () => {
          if (!this.batch) this.openBatch();
          this.control.savepoint.run();
          const logged = this.inserts.mark();
          const counted = this.quotas.mark();
          try {
            const value = await fn(this.writeTx);
            this.control.release.run();
            this.batch?.push({ ack: () => resolve(value), fail: reject });
            if ((this.batch?.length ?? 0) >= this.batchLimit) this.commitBatch();
          } catch (e) {
            // Undo this transaction only; the others in the batch are unaffected. Its error can be
            // reported at once: nothing of it will ever be committed.
            this.control.rollbackTo.run();
            this.control.release.run();
            this.inserts.rollbackTo(logged);
            this.quotas.rollbackTo(counted);
            this.writerCache.forgetAll();
            reject(coerceError(e));
          }
        })
        .catch(reject);
    });
  }

  read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    return this.reads.run(async () => {
      this.control.beginRead.run();
      try {
        return await fn(this.readTx);
      } finally {
        this.control.endRead.run();
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lineage.close();
    await this.reads.run(() => Promise.resolve(this.reader.close()));
    await this.checkpointer.stop();
    await this.writes.run(() => {
      this.commitBatch();
      this.writer.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('state', 'closed')").run();
      this.writer.close();
      this.lock.release();
      return Promise.resolve();
    });
  }

  /**
   * Releases the files as a crash would: without the clean-shutdown marker. For tests of recovery.
   * @internal
   */
  abandon(): void {
    this.closed = true;
    void this.lineage.close();
    void this.checkpointer.stop();
    this.reader.close();
    this.writer.close();
    this.lock.release();
  }

  /** The writer connection, for the bulk import path and benchmarks that measure the raw store. */
  get database(): Db {
    return this.writer;
  }

  /**
   * Runs a bulk import on the writer in one transaction of its own, after the pending batch. The
   * import's lineage change-log rows are dropped (a running lineage index rebuilds instead of
   * replaying millions of them).
   */
  bulkWrite<T>(fn: (db: Db) => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    return this.writes.run(() => {
      this.commitBatch();
      // An import writes its rows directly; nothing the writer remembers can be trusted after it.
      this.writerCache.forgetAll();
      this.quotas.forgetAll();
      // An import is one long transaction over most of the file: a large cache saves it rereading
      // pages, and the truncation walk is paid once, at its single COMMIT.
      const cacheKiB = -(this.writer.pragma('cache_size', { simple: true }) as number);
      this.writer.pragma(`cache_size = -${Math.max(cacheKiB, BULK_IMPORT_CACHE_KIB)}`);
      try {
        return Promise.resolve(
          this.writer.transaction(() => {
            const value = fn(this.writer);
            resetLineageLog(this.writer);
            return value;
          })(),
        );
      } finally {
        this.writer.pragma(`cache_size = -${cacheKiB}`);
      }
    });
  }

  /**
   * A background checkpoint finished. When the WAL has grown long, the writer checkpoints the frames
   * committed since the worker's checkpoint began (a few hundred pages), between two batches, so
   * that the WAL is wholly copied back when the next batch begins and SQLite rewinds it.
   * A failed checkpoint leaves the WAL as it was (the worker's next report tries again) and is
   * reported like the worker's own failures.
   * @internal Called by the checkpointer, and by tests in its place.
   */
  checkpointed(result: CheckpointResult): Promise<void> {
    if (this.closed || this.rewinding || result.log < this.walRestartPages) return Promise.resolve();
    this.rewinding = true;
    return this.writes
      .run(() => {
        this.commitBatch();
        if (!this.closed) this.writer.pragma('wal_checkpoint(PASSIVE)');
        return Promise.resolve();
      })
      .finally(() => (this.rewinding = false));
  }

  private openBatch(): void {
    this.control.begin.run();
    this.batch = [];
    // Transactions that arrive in this turn of the event loop join the batch; it commits right after.
    // (Holding it open longer, until a turn brings no new write, measured slower: clients then
    // wait in lockstep for the shared COMMIT while the server idles.)
    setImmediate(() => {
      this.writes.run(() => Promise.resolve(this.commitBatch())).catch(() => undefined);
    });
  }

  private commitBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    try {
      this.writesSincePrune += batch.length;
      if (this.writesSincePrune >= PRUNE_LINEAGE_LOG_EVERY) {
        this.writesSincePrune = 0;
        const newest = (this.writer.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'lineage_changes'), 0) AS seq").get() as { seq: number }).seq;
        pruneLineageLog(this.writer, this.lineage.prunablePosition(newest));
      }
      this.inserts.flush();
      this.quotas.flush();
      this.control.commit.run();
    } catch (e) {
      if (this.writer.inTransaction) this.control.rollback.run();
      this.inserts.clear();
      this.quotas.forgetAll();
      this.writerCache.forgetAll();
      for (const waiter of batch) waiter.fail(e);
      return;
    }
    for (const waiter of batch) waiter.ack();
  }
}

function migrate(db: Db, migrations: readonly Migration[], location: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = (db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id);
  for (const m of pendingMigrations(migrations, applied, location)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, Date.now());
    })();
  }
}

function checkAfterCrash(db: Db, location: string, onRecovery?: (result: string) => void): void {
  const state = db.prepare("SELECT value FROM store_meta WHERE key = 'state'").get() as { value: string } | undefined;
  if (state?.value === 'open') {
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const result = rows.map((r) => r.quick_check).join('; ');
    if (result !== 'ok') {
      throw new Error(`The database at ${location} failed its integrity check after an unclean shutdown: ${result}`);
    }
    onRecovery?.(result);
  }
  db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('state', 'open')").run();
}
