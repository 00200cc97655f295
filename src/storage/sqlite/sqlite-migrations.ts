/**
 * The SQLite schema, as numbered migrations. Each runs once, in its own transaction, and is
 * recorded in `schema_migrations`; a database written by a newer Stemma is refused rather than
 * guessed at.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'lineage entities, associations, tags, lineage groups, quotas',
    sql: `
      CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        arn TEXT NOT NULL,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT,
        type TEXT,
        source_uri TEXT,
        status TEXT,
        description TEXT,
        properties TEXT NOT NULL DEFAULT '{}',
        attrs TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL DEFAULT '{}',
        modified_at INTEGER NOT NULL,
        modified_by TEXT NOT NULL DEFAULT '{}',
        automatic INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX entities_arn ON entities (arn);
      -- Artifacts are identified by their source (hence their ARN), not their name.
      CREATE UNIQUE INDEX entities_name ON entities (account, region, kind, name)
        WHERE name IS NOT NULL AND kind <> 'artifact';
      CREATE INDEX entities_by_created ON entities (account, region, kind, created_at, id);
      CREATE INDEX entities_by_source ON entities (account, region, kind, source_uri);
      CREATE INDEX entities_by_type ON entities (account, region, kind, type);

      CREATE TABLE associations (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES entities (id),
        destination_id INTEGER NOT NULL REFERENCES entities (id),
        type TEXT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL DEFAULT '{}',
        automatic INTEGER NOT NULL DEFAULT 0
      );
      -- One association per ordered pair; these two indexes are also the traversal paths.
      CREATE UNIQUE INDEX associations_pair ON associations (source_id, destination_id);
      CREATE INDEX associations_by_destination ON associations (destination_id, source_id);
      CREATE INDEX associations_by_created ON associations (account, region, created_at, id);

      CREATE TABLE tags (
        resource_arn TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (resource_arn, key)
      ) WITHOUT ROWID;

      CREATE TABLE lineage_groups (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (account, region, name)
      ) WITHOUT ROWID;

      -- Whether the store is open; left 'open' by a crash, which triggers an integrity check.
      CREATE TABLE store_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE quota_usage (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        resource TEXT NOT NULL,
        used INTEGER NOT NULL,
        PRIMARY KEY (account, region, resource)
      ) WITHOUT ROWID;
    `,
  },
];
