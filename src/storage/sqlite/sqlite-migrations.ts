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
  {
    id: 2,
    name: 'lineage change log for the in-memory lineage index',
    // Every committed change to the lineage graph leaves one row here, written by triggers so that
    // no code path (a new StoreTx method, a bulk import) can change the graph without the in-memory
    // index hearing of it. (Since migration 6 the store writes the rows of inserts itself, once per
    // commit batch; a bulk import resets the log instead.) The index reads the rows after its last position in the same read
    // transaction as a query, which keeps it exactly as fresh as that query's snapshot. Rows name
    // ids only: the index re-reads the current row, so order within a batch does not matter.
    // op: 1 entity written, 2 entity deleted, 3 association written, 4 association deleted.
    // Rows up to store_meta 'lineage_log_floor' have been pruned.
    sql: `
      CREATE TABLE lineage_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op INTEGER NOT NULL,
        a INTEGER NOT NULL,
        b INTEGER
      );
      CREATE TRIGGER lineage_entity_inserted AFTER INSERT ON entities BEGIN
        INSERT INTO lineage_changes (op, a) VALUES (1, NEW.id);
      END;
      CREATE TRIGGER lineage_entity_updated
        AFTER UPDATE OF id, arn, account, region, kind, type, created_at, modified_at ON entities BEGIN
        INSERT INTO lineage_changes (op, a) VALUES (2, OLD.id);
        INSERT INTO lineage_changes (op, a) VALUES (1, NEW.id);
      END;
      CREATE TRIGGER lineage_entity_deleted AFTER DELETE ON entities BEGIN
        INSERT INTO lineage_changes (op, a) VALUES (2, OLD.id);
      END;
      CREATE TRIGGER lineage_association_inserted AFTER INSERT ON associations BEGIN
        INSERT INTO lineage_changes (op, a, b) VALUES (3, NEW.source_id, NEW.destination_id);
      END;
      CREATE TRIGGER lineage_association_updated AFTER UPDATE ON associations BEGIN
        INSERT INTO lineage_changes (op, a, b) VALUES (4, OLD.source_id, OLD.destination_id);
        INSERT INTO lineage_changes (op, a, b) VALUES (3, NEW.source_id, NEW.destination_id);
      END;
      CREATE TRIGGER lineage_association_deleted AFTER DELETE ON associations BEGIN
        INSERT INTO lineage_changes (op, a, b) VALUES (4, OLD.source_id, OLD.destination_id);
      END;
    `,
  },
  {
    id: 3,
    name: 'experiments, trials, trial components, metrics, search projection',
    sql: `
      -- Each trial's experiment (set once at CreateTrial).
      CREATE TABLE experiment_trials (
        trial_id INTEGER PRIMARY KEY,
        experiment_id INTEGER NOT NULL
      );
      CREATE INDEX experiment_trials_by_experiment ON experiment_trials (experiment_id, trial_id);

      -- Trial <-> trial component, many to many.
      CREATE TABLE trial_members (
        trial_id INTEGER NOT NULL,
        component_id INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (trial_id, component_id)
      ) WITHOUT ROWID;
      CREATE INDEX trial_members_by_component ON trial_members (component_id, trial_id);

      -- Running summaries of each trial component metric (no samples kept).
      CREATE TABLE trial_component_metrics (
        component_id INTEGER NOT NULL,
        metric_name TEXT NOT NULL,
        source_arn TEXT,
        count INTEGER NOT NULL,
        sum REAL NOT NULL,
        sum_sq REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        last REAL NOT NULL,
        last_time INTEGER NOT NULL,
        last_step INTEGER NOT NULL,
        PRIMARY KEY (component_id, metric_name)
      ) WITHOUT ROWID;

      -- The search projection (src/storage/sql/search.ts): a space is one account, region and
      -- Search resource type; a document one searchable instance; a value one leaf of it.
      CREATE TABLE search_spaces (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        resource TEXT NOT NULL,
        -- How many documents the space holds; the search planner weighs plans with it.
        documents INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX search_spaces_key ON search_spaces (account, region, resource);
      CREATE TABLE search_documents (
        id INTEGER PRIMARY KEY,
        space INTEGER NOT NULL,
        arn TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE UNIQUE INDEX search_documents_arn ON search_documents (arn);
      CREATE INDEX search_documents_by_space ON search_documents (space, id);
      CREATE TABLE search_values (
        doc_id INTEGER NOT NULL,
        path TEXT NOT NULL,
        elem INTEGER NOT NULL,
        space INTEGER NOT NULL,
        num REAL,
        str TEXT,
        PRIMARY KEY (doc_id, path, elem)
      ) WITHOUT ROWID;
      CREATE INDEX search_values_num ON search_values (space, path, num, doc_id) WHERE num IS NOT NULL;
      CREATE INDEX search_values_str ON search_values (space, path, str, doc_id) WHERE str IS NOT NULL;
    `,
  },
  {
    id: 4,
    name: 'SageMaker resources: jobs, models, model registry, endpoints',
    // One generic table for every resource that is not a lineage entity. The wire description is
    // kept whole in doc; status (the job state machine) and the name are columns because listings
    // filter and sort on them, and a restart looks for jobs still marked running.
    sql: `
      CREATE TABLE resources (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        status TEXT,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        doc TEXT NOT NULL DEFAULT '{}'
      );
      CREATE UNIQUE INDEX resources_arn ON resources (arn);
      CREATE UNIQUE INDEX resources_name ON resources (account, region, kind, name);
      CREATE INDEX resources_by_created ON resources (account, region, kind, created_at, id);
      CREATE INDEX resources_by_status ON resources (kind, status);
    `,
  },
  {
    id: 5,
    name: 'Lineage-group grants between accounts',
    // One row per (owner, grantee) in a region: the owner's lineage group is visible to the grantee.
    // The primary key serves "grants made by an account"; the second index "grants made to it".
    sql: `
      CREATE TABLE lineage_shares (
        region TEXT NOT NULL,
        owner_account TEXT NOT NULL,
        grantee_account TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        granted_by TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (region, owner_account, grantee_account)
      ) WITHOUT ROWID;
      CREATE INDEX lineage_shares_by_grantee ON lineage_shares (region, grantee_account, owner_account);
    `,
  },
  {
    id: 6,
    name: 'inserts reach the lineage change log once per commit',
    // The store now logs inserted entities and associations itself, in one statement per commit
    // batch (insert-log.ts); updates and deletes keep their triggers.
    sql: `
      DROP TRIGGER IF EXISTS lineage_entity_inserted;
      DROP TRIGGER IF EXISTS lineage_association_inserted;
    `,
  },
];
