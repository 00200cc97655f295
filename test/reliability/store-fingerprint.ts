/**
 * A fingerprint of everything a store holds, read straight from its database (not through
 * Stemma): the row count of every table, plus sums that change when a row is updated in place
 * (modification times, tag values, quota usage, metric counts). Two equal fingerprints around a
 * rejected request mean it wrote nothing.
 *
 * Left out: bookkeeping that changes without a request (SQLite's lineage change log, pruned in the
 * background; the migrations table; the clean-shutdown marker).
 */
import Database from 'better-sqlite3';
import pg from 'pg';

const IGNORED_TABLES = new Set(['schema_migrations', 'store_meta', 'lineage_changes']);

/** Sums over columns that updates change, as `label: SQL expression over one table`. */
const UPDATE_SUMS: ReadonlyArray<readonly [label: string, sql: string]> = [
  ['entities.modified', 'SELECT coalesce(sum(modified_at), 0) FROM entities'],
  ['entities.text', "SELECT coalesce(sum(length(coalesce(description, '') || coalesce(status, '') || coalesce(type, ''))), 0) FROM entities"],
  ['resources.modified', 'SELECT coalesce(sum(modified_at), 0) FROM resources'],
  ['tags.values', 'SELECT coalesce(sum(length(value)), 0) FROM tags'],
  ['quota.used', 'SELECT coalesce(sum(used), 0) FROM quota_usage'],
  ['metrics.count', 'SELECT coalesce(sum(count), 0) FROM trial_component_metrics'],
];

export type Fingerprint = Readonly<Record<string, string>>;

export interface StoreProbe {
  fingerprint(): Promise<Fingerprint>;
  /** Runs one read-only query (portable SQL, no parameters). */
  all<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export function sqliteProbe(path: string): StoreProbe {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
    .map((r) => r.name)
    .filter((t) => !IGNORED_TABLES.has(t))
    .sort();
  const statements = [
    ...tables.map((t) => [`${t}.rows`, db.prepare(`SELECT count(*) FROM "${t}"`)] as const),
    ...UPDATE_SUMS.map(([label, sql]) => [label, db.prepare(sql)] as const),
  ];
  return {
    fingerprint: () => {
      // One read transaction: a consistent snapshot of every table.
      const read = db.transaction(() => Object.fromEntries(statements.map(([label, s]) => [label, String(s.pluck().get())])));
      return Promise.resolve(read());
    },
    all: <T>(sql: string) => Promise.resolve(db.prepare(sql).all() as T[]),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

export async function postgresProbe(url: string): Promise<StoreProbe> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const tables = (
    await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
  ).rows
    .map((r) => r.name)
    .filter((t) => !IGNORED_TABLES.has(t))
    .sort();
  const columns = [
    ...tables.map((t) => `(SELECT count(*) FROM "${t}")::text AS "${t}.rows"`),
    ...UPDATE_SUMS.map(([label, sql]) => `(${sql})::text AS "${label}"`),
  ];
  // One statement: one snapshot, one round trip.
  const query = `SELECT ${columns.join(', ')}`;
  return {
    fingerprint: async () => {
      const row = (await client.query<Record<string, string>>(query)).rows[0];
      if (!row) throw new Error('The fingerprint query returned no row.');
      return row;
    },
    all: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    close: () => client.end(),
  };
}

/** The labels whose values differ between two fingerprints, as `label: before -> after`. */
export function fingerprintChanges(before: Fingerprint, after: Fingerprint): string[] {
  const labels = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...labels].filter((l) => before[l] !== after[l]).map((l) => `${l}: ${before[l]} -> ${after[l]}`);
}
