/**
 * The PostgreSQL schema, as numbered migrations with the same ids as the SQLite ones
 * (sqlite-migrations.ts): migration N means the same schema change on both backends.
 *
 * Differences from SQLite, all deliberate:
 * - JSON columns are `jsonb`, times `bigint` milliseconds, flags `boolean`, ids identity columns.
 * - Text that is sorted or compared by range (ARNs, names, types, tag keys) is `COLLATE "C"`:
 *   byte order, as SQLite's BINARY collation, so listings and NextTokens order rows the same way
 *   whatever locale the database was created with.
 * - The associations' foreign keys are enforced (SQLite leaves them off); a delete that would
 *   strand an association fails instead of leaving a dangling edge.
 * - No `store_meta`: PostgreSQL recovers from crashes itself, so there is no clean-shutdown marker.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'lineage entities, associations, tags, lineage groups, quotas',
    sql: `
      CREATE TABLE entities (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        arn text COLLATE "C" NOT NULL,
        account text NOT NULL,
        region text NOT NULL,
        kind text NOT NULL,
        name text COLLATE "C",
        type text COLLATE "C",
        source_uri text,
        status text,
        description text,
        properties jsonb NOT NULL DEFAULT '{}',
        attrs jsonb NOT NULL DEFAULT '{}',
        created_at bigint NOT NULL,
        created_by jsonb NOT NULL DEFAULT '{}',
        modified_at bigint NOT NULL,
        modified_by jsonb NOT NULL DEFAULT '{}',
        automatic boolean NOT NULL DEFAULT false
      );
      CREATE UNIQUE INDEX entities_arn ON entities (arn);
      -- Artifacts are identified by their source (hence their ARN), not their name.
      CREATE UNIQUE INDEX entities_name ON entities (account, region, kind, name)
        WHERE name IS NOT NULL AND kind <> 'artifact';
      CREATE INDEX entities_by_created ON entities (account, region, kind, created_at, id);
      CREATE INDEX entities_by_source ON entities (account, region, kind, source_uri);
      CREATE INDEX entities_by_type ON entities (account, region, kind, type);

      CREATE TABLE associations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_id bigint NOT NULL REFERENCES entities (id),
        destination_id bigint NOT NULL REFERENCES entities (id),
        type text,
        account text NOT NULL,
        region text NOT NULL,
        created_at bigint NOT NULL,
        created_by jsonb NOT NULL DEFAULT '{}',
        automatic boolean NOT NULL DEFAULT false
      );
      -- One association per ordered pair; these two indexes are also the traversal paths.
      CREATE UNIQUE INDEX associations_pair ON associations (source_id, destination_id);
      CREATE INDEX associations_by_destination ON associations (destination_id, source_id);
      CREATE INDEX associations_by_created ON associations (account, region, created_at, id);

      CREATE TABLE tags (
        resource_arn text NOT NULL,
        key text COLLATE "C" NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (resource_arn, key)
      );

      CREATE TABLE lineage_groups (
        account text NOT NULL,
        region text NOT NULL,
        name text COLLATE "C" NOT NULL,
        arn text NOT NULL,
        created_at bigint NOT NULL,
        created_by jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (account, region, name)
      );

      CREATE TABLE quota_usage (
        account text NOT NULL,
        region text NOT NULL,
        resource text NOT NULL,
        used bigint NOT NULL,
        PRIMARY KEY (account, region, resource)
      );
    `,
  },
  {
    id: 2,
    // SQLite's migration 2 is the change log that feeds its in-memory lineage index. PostgreSQL has
    // no such index (replicas keep no graph state); instead each BFS level of QueryLineage becomes
    // an index-only scan.
    name: 'covering indexes for lineage traversal',
    sql: `
      CREATE INDEX associations_out ON associations (source_id) INCLUDE (destination_id, type);
      CREATE INDEX associations_in ON associations (destination_id) INCLUDE (source_id, type);
    `,
  },
  {
    id: 3,
    // As SQLite's migration 3. Membership and metric rows also reference their entities, with the
    // check deferred to COMMIT: the handlers delete an entity before the rows that name it, in one
    // transaction, and a row naming an entity that a racing replica deleted fails the commit
    // rather than being left behind.
    name: 'experiments, trials, trial components, metrics, search projection',
    sql: `
      -- Each trial's experiment (set once at CreateTrial).
      CREATE TABLE experiment_trials (
        trial_id bigint PRIMARY KEY REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED,
        experiment_id bigint NOT NULL REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED
      );
      CREATE INDEX experiment_trials_by_experiment ON experiment_trials (experiment_id, trial_id);

      -- Trial <-> trial component, many to many.
      CREATE TABLE trial_members (
        trial_id bigint NOT NULL REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED,
        component_id bigint NOT NULL REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED,
        created_at bigint NOT NULL,
        PRIMARY KEY (trial_id, component_id)
      );
      CREATE INDEX trial_members_by_component ON trial_members (component_id, trial_id);

      -- Running summaries of each trial component metric (no samples kept).
      CREATE TABLE trial_component_metrics (
        component_id bigint NOT NULL REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED,
        metric_name text COLLATE "C" NOT NULL,
        source_arn text,
        count bigint NOT NULL,
        sum double precision NOT NULL,
        sum_sq double precision NOT NULL,
        min double precision NOT NULL,
        max double precision NOT NULL,
        last double precision NOT NULL,
        last_time bigint NOT NULL,
        last_step bigint NOT NULL,
        PRIMARY KEY (component_id, metric_name)
      );

      -- The search projection (src/storage/sql/search.ts): a space is one account, region and
      -- Search resource type; a document one searchable instance; a value one leaf of it. Paths and
      -- text values are walked and range-compared in byte order, as on SQLite.
      CREATE TABLE search_spaces (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account text NOT NULL,
        region text NOT NULL,
        resource text NOT NULL,
        -- How many documents the space holds; the search planner weighs plans with it.
        documents bigint NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX search_spaces_key ON search_spaces (account, region, resource);
      CREATE TABLE search_documents (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        space bigint NOT NULL REFERENCES search_spaces (id),
        arn text NOT NULL,
        record jsonb NOT NULL
      );
      CREATE UNIQUE INDEX search_documents_arn ON search_documents (arn);
      CREATE INDEX search_documents_by_space ON search_documents (space, id);
      CREATE TABLE search_values (
        doc_id bigint NOT NULL,
        path text COLLATE "C" NOT NULL,
        elem integer NOT NULL,
        space bigint NOT NULL,
        num double precision,
        str text COLLATE "C",
        PRIMARY KEY (doc_id, path, elem)
      );
      CREATE INDEX search_values_num ON search_values (space, path, num, doc_id) WHERE num IS NOT NULL;
      CREATE INDEX search_values_str ON search_values (space, path, str, doc_id) WHERE str IS NOT NULL;
    `,
  },
  {
    id: 4,
    name: 'SageMaker resources: jobs, models, model registry, endpoints',
    // As on SQLite: one generic table, the wire description whole in doc, status and name as
    // columns for listings and for finding the jobs a restart interrupted.
    sql: `
      CREATE TABLE resources (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account text NOT NULL,
        region text NOT NULL,
        kind text NOT NULL,
        name text COLLATE "C" NOT NULL,
        arn text COLLATE "C" NOT NULL,
        status text COLLATE "C",
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        doc jsonb NOT NULL DEFAULT '{}'
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
    // As on SQLite: one row per (owner, grantee) in a region, indexed both ways.
    sql: `
      CREATE TABLE lineage_shares (
        region text NOT NULL,
        owner_account text NOT NULL,
        grantee_account text NOT NULL,
        granted_at bigint NOT NULL,
        granted_by jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (region, owner_account, grantee_account)
      );
      CREATE INDEX lineage_shares_by_grantee ON lineage_shares (region, grantee_account, owner_account);
    `,
  },
  {
    id: 6,
    // SQLite's migration 6 changes how its lineage change log hears of inserts. PostgreSQL keeps no
    // such log, so there is nothing to change; the id stays in step with SQLite's.
    name: 'inserts reach the lineage change log once per commit (SQLite only)',
    sql: 'SELECT 1',
  },
];
