/**
 * The team store: one PostgreSQL database shared by any number of stateless Stemma replicas.
 * Nothing that decides a rule lives in a replica's memory; the database decides.
 *
 * - A connection pool. `transaction(fn)` runs `fn` in one PostgreSQL transaction on one pooled
 *   client; `read(fn)` runs it in `REPEATABLE READ READ ONLY`, so every statement of a read sees
 *   the same snapshot, as on SQLite.
 * - Write transactions are READ COMMITTED. That is enough because every rule is decided by a
 *   constraint, a single atomic statement, or a row lock held until commit:
 *   - uniqueness of ARNs, names and association pairs: unique indexes. Inserts use
 *     `ON CONFLICT DO NOTHING`, which waits for a racing insert of the same key to commit or roll
 *     back and then reports the conflict, so exactly one of N racing creators wins.
 *   - quotas: one `INSERT … ON CONFLICT DO UPDATE … WHERE used + delta <= limit` statement, which
 *     locks the counter row and checks the limit against its latest committed value.
 *   - the account's lineage group: `ON CONFLICT DO NOTHING`.
 *   - rules that read an entity and then act on it (both ends of a new association exist; a deleted
 *     entity has no associations; an update merges into the current properties; at most 50 tags;
 *     a deleted association gives back its quota once): inside a transaction, single-entity reads
 *     lock the entity row `FOR UPDATE` (postgres-tx.ts), so transactions about the same entity run
 *     one after the other, and the second re-reads what the first committed (under READ COMMITTED
 *     each statement sees the latest commits; a locked row is re-read once its lock is released).
 *   - the associations' foreign keys back this up: no edge can point at a deleted entity.
 *   - lineage grants: a write that acts under a grant (an association to a shared entity, SameAs
 *     for a new artifact) reads the grants `FOR SHARE`, so a revoke waits for it to commit: nothing
 *     is written under a grant that was already revoked. A grant made while an artifact is
 *     being created can still miss their SameAs pair (neither sees the other); granting again
 *     joins it (docs/behaviour.md).
 *   - experiments: a trial's experiment and a trial's components are decided about under the lock
 *     of the entity they hang on (CreateTrial and DeleteExperiment both lock the experiment;
 *     AssociateTrialComponent and DeleteTrial both lock the trial), membership pairs by their
 *     primary key (`ON CONFLICT DO NOTHING`), metric summaries by one upsert per sample, and
 *     deferred foreign keys refuse, at COMMIT, a membership or metric row whose entity is gone.
 *   - the search projection: a space's first document creates it with `ON CONFLICT DO NOTHING`;
 *     its document count moves only by `documents = documents ± 1` next to the insert or delete
 *     that changed it (a delete counts only if its own `DELETE … RETURNING` removed the row).
 *   Serialization failures and deadlocks (40001, 40P01; e.g. two transactions locking the same two
 *   entities in opposite orders) roll back and run the whole callback again, a bounded number of times.
 * - Migrations run at open, in one transaction under a transaction-scoped advisory lock, so replicas
 *   starting together migrate exactly once and wait for each other.
 */
import pg from 'pg';
import type { CustomTypesConfig, Pool, PoolClient } from 'pg';
import { coerceError } from '../../core/errors.js';
import type { Store, StoreReader, StoreTx } from '../store.js';
import { pendingMigrations } from '../migrations.js';
import { isRetryable, translatePostgresError } from './postgres-errors.js';
import type { Migration } from './postgres-migrations.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { PostgresTx, StatementCache } from './postgres-tx.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style parameters such as `?host=/socket/dir` work too). */
  readonly url: string;
  /** Connections per replica; the database's max_connections must cover all replicas together. */
  readonly poolSize?: number;
  /** How many times a transaction runs before a serialization failure or deadlock is given up on. */
  readonly maxAttempts?: number;
  /** Called when an idle pooled connection fails (the pool replaces it). */
  readonly onConnectionError?: (message: string) => void;
}

export const DEFAULT_POOL_SIZE = 10;
const DEFAULT_MAX_ATTEMPTS = 5;
const CONNECT_TIMEOUT_MS = 30_000;
const RETRY_JITTER_MS = 10;

/** Any constant works; it only has to be the same in every replica. ("Stemma" in ASCII.) */
const MIGRATION_LOCK_KEY = 0x5374656d6d61;

/**
 * Type parsers of this store's pool (not pg's global ones): `bigint` (ids, counts, times in
 * milliseconds) becomes a number. Every value Stemma stores is far below 2^53.
 */
const TYPES: CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.INT8 ? (text: string) => Number(text) : (pg.types.getTypeParser(oid, format) as (text: string) => unknown),
};

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export class PostgresStore implements Store {
  readonly backend = 'postgres' as const;
  private readonly pool: Pool;
  private readonly statements = new StatementCache();
  private readonly maxAttempts: number;
  private closed = false;

  private constructor(pool: Pool, maxAttempts: number) {
    this.pool = pool;
    this.maxAttempts = maxAttempts;
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      // A request waiting this long for a connection fails (a 500) instead of hanging.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types: TYPES,
    });
    // Without a listener, an idle connection dropped by the server would crash the process.
    pool.on('error', (e) => options.onConnectionError?.(e.message));
    try {
      await migrate(pool, POSTGRES_MIGRATIONS, redactUrl(options.url));
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PostgresStore(pool, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Two victims of one deadlock that ran again at once would take their locks in lockstep
      // again; a random pause before another attempt breaks the tie.
      if (attempt > 1) await pause(Math.random() * RETRY_JITTER_MS * attempt);
      const client = await this.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await fn(new PostgresTx(client, this.statements, 'write'));
        await client.query('COMMIT');
        return value;
      } catch (e) {
        broken = await rollback(client);
        if (attempt < this.maxAttempts && isRetryable(e)) continue;
        throw coerceError(translatePostgresError(e));
      } finally {
        client.release(broken);
      }
    }
  }

  async read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const value = await fn(new PostgresTx(client, this.statements, 'read'));
      await client.query('COMMIT');
      return value;
    } catch (e) {
      broken = await rollback(client);
      throw coerceError(translatePostgresError(e));
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async connect(): Promise<PoolClient> {
    if (this.closed) throw new Error('The store is closed.');
    return this.pool.connect();
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rolls back; a connection that cannot even do that is returned as broken so the pool drops it. */
async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (e) {
    return coerceError(e);
  }
}

async function migrate(pool: Pool, migrations: readonly Migration[], location: string): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    // Held until COMMIT: a replica starting at the same time waits here, then finds nothing to do.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
    const { rows } = await client.query<{ id: number }>('SELECT id FROM schema_migrations');
    for (const m of pendingMigrations(migrations, rows.map((r) => r.id), location)) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, Date.now()]);
    }
    await client.query('COMMIT');
  } catch (e) {
    broken = await rollback(client);
    throw e;
  } finally {
    client.release(broken);
  }
}
