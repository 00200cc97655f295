/**
 * The PostgreSQL implementation of StoreTx, one per transaction or read, on one pooled client.
 * Statements are written with `?` placeholders like the SQLite ones (sqlite-tx.ts has the same
 * methods in the same order), renumbered and prepared once per connection under a stable name.
 *
 * Row locks: in a write transaction, every read of a single entity (by ARN or name) takes the row
 * with `FOR UPDATE`. Under READ COMMITTED each statement sees the latest committed data, but two
 * transactions could otherwise both act on what they read before either commits. Locking the entity
 * a transaction decides about makes its decision hold until it commits; see postgres-store.ts for
 * why, with this, READ COMMITTED is enough for every rule.
 */
import type { ClientBase, QueryResultRow } from 'pg';
import type { Scope } from '../../core/arn.js';
import type {
  AssociationRecord,
  AssociationType,
  EntityKind,
  EntityPatch,
  EntityRef,
  EntityRecord,
  LineageGroupRecord,
  LineageShareRecord,
  NewAssociation,
  NewEntity,
  NewResource,
  QuotaResource,
  ResourcePatch,
  ResourceRecord,
  Tag,
  UserContext,
} from '../../core/model.js';
import { associationListSql, ASSOCIATION_ACCOUNTS_OF_SQL, ASSOCIATION_COLUMNS, ASSOCIATION_FROM, entityListSql, resourceListSql } from '../sql/listing.js';
import { numberPlaceholders } from '../sql/placeholders.js';
import { POSTGRES_DIALECT } from '../sql/dialect.js';
import { COMPONENTS_OF_TRIAL_SQL, experimentEntityListSql, RECORD_METRIC_SQL, TRIALS_OF_COMPONENT_SQL } from '../sql/experiments.js';
import type { SqlQuery } from '../sql/listing.js';
import type { DbMetric } from '../sql/metric-rows.js';
import { toMetricSummary } from '../sql/metric-rows.js';
import { searchPage, SEARCH_SPACE_SQL } from '../sql/search.js';
import type { SqlRunner } from '../sql/search.js';
import type { SearchDocument, SearchHit, SearchQuery } from '../search-query.js';
import type {
  AssociationListQuery,
  EntityListQuery,
  EntitySearchQuery,
  ExperimentEntityListQuery,
  MetricSample,
  MetricSummary,
  ResourceListQuery,
  StoreTx,
  TagListQuery,
} from '../store.js';
import { entitySearchSql } from '../sql/entity-lookup.js';
import { grantShareSql, revokeShareSql, sharesOfSql } from '../sql/lineage-shares.js';
import { DELETE_AUTOMATIC_ASSOCIATIONS_OF_SQL } from '../sql/associations.js';
import { mergeSearchResults } from '../sql/search-order.js';
import { UniqueViolation } from '../store.js';
import type { HopDirection, LineageGraph, LineageHop, LineageVertex } from '../lineage-graph.js';
import type { DbLineageHop, DbLineageVertex } from '../sql/lineage-rows.js';
import { toLineageHop, toLineageVertex } from '../sql/lineage-rows.js';
import { translatePostgresError } from './postgres-errors.js';
import type { DbAssociation, DbEntity, DbLineageGroup, DbLineageShare, DbResource } from './postgres-rows.js';
import { toAssociationRecord, toEntityRecord, toLineageGroupRecord, toLineageShareRecord, toResourceRecord } from './postgres-rows.js';

interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * Names for prepared statements, shared by all connections of a store: the same SQL always gets
 * the same name, so each connection parses and plans a statement once and then only binds it.
 * A cache keyed by SQL text; the set of texts is bounded by the code that builds them.
 */
export class StatementCache {
  private readonly byText = new Map<string, PreparedStatement>();

  get(sql: string): PreparedStatement {
    let s = this.byText.get(sql);
    if (!s) {
      s = { name: `stemma_${this.byText.size + 1}`, text: numberPlaceholders(sql) };
      this.byText.set(sql, s);
    }
    return s;
  }
}

/** `write`: inside `transaction()`, reads lock what they decide about. `read`: a read-only snapshot. */
export type TxMode = 'write' | 'read';

export class PostgresTx implements StoreTx {
  private readonly client: ClientBase;
  private readonly statements: StatementCache;
  /** Appended to single-entity reads. */
  private readonly lock: string;
  /** Appended to reads of lineage grants, which writes act on but never change. */
  private readonly shareLock: string;

  constructor(client: ClientBase, statements: StatementCache, mode: TxMode) {
    this.client = client;
    this.statements = statements;
    this.lock = mode === 'write' ? ' FOR UPDATE' : '';
    this.shareLock = mode === 'write' ? ' FOR SHARE' : '';
  }

  private async query<R extends QueryResultRow>(sql: string, params: unknown[]): Promise<{ rows: R[]; rowCount: number }> {
    const { name, text } = this.statements.get(sql);
    try {
      const result = await this.client.query<R>({ name, text, values: params });
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (e) {
      throw translatePostgresError(e);
    }
  }

  private async one<R extends QueryResultRow>(sql: string, params: unknown[]): Promise<R | undefined> {
    return (await this.query<R>(sql, params)).rows[0];
  }

  // The QueryLineage engine's batched reads (lineage-graph.ts): one statement per BFS level,
  // the batch passed as one array parameter.

  lineageGraph(): LineageGraph {
    return this;
  }

  async lineageIdsOf(arns: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const { rows } = await this.query<{ id: number; arn: string }>('SELECT id, arn FROM entities WHERE arn = ANY(?::text[])', [arns]);
    return new Map(rows.map((r) => [r.arn, r.id]));
  }

  async lineageHops(ids: readonly number[], direction: HopDirection): Promise<LineageHop[]> {
    const column = direction === 'out' ? 'source_id' : 'destination_id';
    const { rows } = await this.query<DbLineageHop>(
      `SELECT source_id, destination_id, type FROM associations WHERE ${column} = ANY(?::bigint[])`,
      [ids],
    );
    return rows.map(toLineageHop);
  }

  async lineageVertices(ids: readonly number[]): Promise<LineageVertex[]> {
    const { rows } = await this.query<DbLineageVertex>(
      'SELECT id, arn, kind, type, account, region, created_at, modified_at FROM entities WHERE id = ANY(?::bigint[])',
      [ids],
    );
    return rows.map(toLineageVertex);
  }

  async lineageProperties(ids: readonly number[]): Promise<ReadonlyMap<number, Readonly<Record<string, string>>>> {
    const { rows } = await this.query<{ id: number; properties: Record<string, string> }>(
      'SELECT id, properties FROM entities WHERE id = ANY(?::bigint[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.properties]));
  }

  async getEntityByArn(arn: string): Promise<EntityRecord | undefined> {
    const row = await this.one<DbEntity>(`SELECT * FROM entities WHERE arn = ?${this.lock}`, [arn]);
    return row && toEntityRecord(row);
  }

  async getEntityRef(arn: string): Promise<EntityRef | undefined> {
    return this.one<{ id: number; arn: string; account: string; region: string; kind: EntityKind }>(
      `SELECT id, arn, account, region, kind FROM entities WHERE arn = ?${this.lock}`,
      [arn],
    );
  }

  async getEntityByName(scope: Scope, kind: EntityKind, name: string): Promise<EntityRecord | undefined> {
    const row = await this.one<DbEntity>(
      `SELECT * FROM entities WHERE account = ? AND region = ? AND kind = ? AND name = ?${this.lock}`,
      [scope.account, scope.region, kind, name],
    );
    return row && toEntityRecord(row);
  }

  async listEntities(query: EntityListQuery): Promise<EntityRecord[]> {
    const { sql, params } = entityListSql(query);
    return (await this.query<DbEntity>(sql, params)).rows.map(toEntityRecord);
  }

  async searchEntities(query: EntitySearchQuery): Promise<EntityRecord[]> {
    // source_uri has the database's collation, under which a range is not a prefix; "C" is byte-wise.
    const batches: EntityRecord[][] = [];
    for (const { sql, params } of entitySearchSql(query, (column) => `${column} COLLATE "C"`)) {
      batches.push((await this.query<DbEntity>(sql, params)).rows.map(toEntityRecord));
    }
    return mergeSearchResults(query.text, batches, query.limit);
  }

  async getAssociation(sourceId: number, destinationId: number): Promise<AssociationRecord | undefined> {
    const row = await this.one<DbAssociation>(
      `SELECT ${ASSOCIATION_COLUMNS} FROM ${ASSOCIATION_FROM} WHERE a.source_id = ? AND a.destination_id = ?`,
      [sourceId, destinationId],
    );
    return row && toAssociationRecord(row);
  }

  async listAssociations(query: AssociationListQuery): Promise<AssociationRecord[]> {
    const { sql, params } = associationListSql(query);
    return (await this.query<DbAssociation>(sql, params)).rows.map(toAssociationRecord);
  }

  async countAssociationsOf(entityId: number): Promise<number> {
    const row = await this.one<{ n: number }>(
      `SELECT (SELECT count(*) FROM associations WHERE source_id = ?)
            + (SELECT count(*) FROM associations WHERE destination_id = ? AND source_id <> ?) AS n`,
      [entityId, entityId, entityId],
    );
    return row?.n ?? 0;
  }

  async associationAccountsOf(entityId: number): Promise<ReadonlyMap<string, number>> {
    const { rows } = await this.query<{ account: string; n: string }>(ASSOCIATION_ACCOUNTS_OF_SQL, [entityId, entityId, entityId]);
    return new Map(rows.map((r) => [r.account, Number(r.n)]));
  }

  async listTags(query: TagListQuery): Promise<Tag[]> {
    const { rows } = await this.query<{ key: string; value: string }>(
      'SELECT key, value FROM tags WHERE resource_arn = ? AND key > ? ORDER BY key LIMIT ?',
      [query.resourceArn, query.afterKey ?? '', query.limit],
    );
    return rows.map((r) => ({ Key: r.key, Value: r.value }));
  }

  async countTags(resourceArn: string): Promise<number> {
    const row = await this.one<{ n: number }>('SELECT count(*) AS n FROM tags WHERE resource_arn = ?', [resourceArn]);
    return row?.n ?? 0;
  }

  async getLineageGroup(scope: Scope, name: string): Promise<LineageGroupRecord | undefined> {
    const row = await this.one<DbLineageGroup>('SELECT * FROM lineage_groups WHERE account = ? AND region = ? AND name = ?', [
      scope.account,
      scope.region,
      name,
    ]);
    return row && toLineageGroupRecord(row);
  }

  async listLineageGroups(scope: Scope): Promise<LineageGroupRecord[]> {
    const { rows } = await this.query<DbLineageGroup>(
      'SELECT * FROM lineage_groups WHERE account = ? AND region = ? ORDER BY created_at, name',
      [scope.account, scope.region],
    );
    return rows.map(toLineageGroupRecord);
  }

  async listLineageShares(scope: Scope): Promise<LineageShareRecord[]> {
    const q = sharesOfSql(scope, this.shareLock);
    const { rows } = await this.query<DbLineageShare>(q.sql, q.params);
    return rows.map(toLineageShareRecord);
  }

  async artifactTwins(region: string, accountA: string, accountB: string): Promise<{ a: EntityRef; b: EntityRef }[]> {
    const prefixA = `arn:aws:sagemaker:${region}:${accountA}:artifact/`;
    const prefixB = `arn:aws:sagemaker:${region}:${accountB}:artifact/`;
    // The twin's ARN is computed from each artifact's, so every twin is one lookup in entities_arn.
    const { rows } = await this.query<{ a_id: number; a_arn: string; b_id: number; b_arn: string }>(
      `SELECT a.id AS a_id, a.arn AS a_arn, b.id AS b_id, b.arn AS b_arn
       FROM entities a JOIN entities b ON b.arn = (?::text || substr(a.arn, ?::int)) COLLATE "C"
       WHERE a.account = ? AND a.region = ? AND a.kind = 'artifact' AND b.kind = 'artifact'
       ORDER BY a.id`,
      [prefixB, prefixA.length + 1, accountA, region],
    );
    return rows.map((r) => ({
      a: { id: Number(r.a_id), arn: r.a_arn, account: accountA, region, kind: 'artifact' },
      b: { id: Number(r.b_id), arn: r.b_arn, account: accountB, region, kind: 'artifact' },
    }));
  }

  async quotaUsage(scope: Scope, resource: QuotaResource): Promise<number> {
    const row = await this.one<{ used: number }>('SELECT used FROM quota_usage WHERE account = ? AND region = ? AND resource = ?', [
      scope.account,
      scope.region,
      resource,
    ]);
    return row?.used ?? 0;
  }

  async insertEntity(e: NewEntity): Promise<EntityRecord> {
    // ON CONFLICT DO NOTHING rather than a failing insert: an error would abort the whole
    // PostgreSQL transaction, while a caller may catch UniqueViolation and carry on (as on SQLite).
    const row = await this.one<{ id: number }>(
      `INSERT INTO entities (arn, account, region, kind, name, type, source_uri, status, description, properties,
         attrs, created_at, created_by, modified_at, modified_by, automatic)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        e.arn,
        e.account,
        e.region,
        e.kind,
        e.name,
        e.type,
        e.sourceUri,
        e.status,
        e.description,
        JSON.stringify(e.properties),
        JSON.stringify(e.attrs),
        e.createdAt,
        JSON.stringify(e.createdBy),
        e.modifiedAt,
        JSON.stringify(e.modifiedBy),
        e.automatic,
      ],
    );
    if (!row) {
      const sameArn = await this.one('SELECT 1 FROM entities WHERE arn = ?', [e.arn]);
      throw new UniqueViolation(sameArn ? 'entities_arn' : 'entities_name');
    }
    return { ...e, id: row.id };
  }

  async updateEntity(id: number, patch: EntityPatch): Promise<void> {
    const sets: string[] = ['modified_at = ?', 'modified_by = ?'];
    const params: unknown[] = [patch.modifiedAt, JSON.stringify(patch.modifiedBy)];
    const column = (name: string, value: unknown): void => {
      sets.push(`${name} = ?`);
      params.push(value);
    };
    if (patch.name !== undefined) column('name', patch.name);
    if (patch.type !== undefined) column('type', patch.type);
    if (patch.status !== undefined) column('status', patch.status);
    if (patch.description !== undefined) column('description', patch.description);
    if (patch.properties !== undefined) column('properties', JSON.stringify(patch.properties));
    if (patch.attrs !== undefined) column('attrs', JSON.stringify(patch.attrs));
    params.push(id);
    await this.query(`UPDATE entities SET ${sets.join(', ')} WHERE id = ?`, params);
  }

  async deleteEntity(id: number): Promise<void> {
    await this.query('DELETE FROM entities WHERE id = ?', [id]);
  }

  async insertAssociation(a: NewAssociation): Promise<void> {
    // As insertEntity: a duplicate leaves the transaction usable.
    const { rowCount } = await this.query(
      `INSERT INTO associations (source_id, destination_id, type, account, region, created_at, created_by, automatic)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [a.sourceId, a.destinationId, a.type, a.scope.account, a.scope.region, a.createdAt, JSON.stringify(a.createdBy), a.automatic],
    );
    if (rowCount === 0) throw new UniqueViolation('associations_pair');
  }

  async deleteAssociation(sourceId: number, destinationId: number): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM associations WHERE source_id = ? AND destination_id = ?', [
      sourceId,
      destinationId,
    ]);
    return rowCount > 0;
  }

  async deleteAutomaticAssociationsOf(entityId: number, type: AssociationType): Promise<number> {
    const { rowCount } = await this.query(DELETE_AUTOMATIC_ASSOCIATIONS_OF_SQL, [type, entityId, entityId]);
    return rowCount;
  }

  async putTags(resourceArn: string, tags: readonly Tag[]): Promise<void> {
    // One statement for all tags. A key given twice would make ON CONFLICT touch a row twice (an
    // error in PostgreSQL), so the last value of a key wins here, as it would tag by tag.
    const byKey = new Map(tags.map((t) => [t.Key, t.Value]));
    if (byKey.size === 0) return;
    await this.query(
      `INSERT INTO tags (resource_arn, key, value) SELECT ?, t.key, t.value FROM unnest(?::text[], ?::text[]) AS t (key, value)
       ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`,
      [resourceArn, [...byKey.keys()], [...byKey.values()]],
    );
  }

  async removeTags(resourceArn: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.query('DELETE FROM tags WHERE resource_arn = ? AND key = ANY (?::text[])', [resourceArn, [...keys]]);
  }

  async removeAllTags(resourceArn: string): Promise<void> {
    await this.query('DELETE FROM tags WHERE resource_arn = ?', [resourceArn]);
  }

  async grantLineageShare(share: LineageShareRecord): Promise<boolean> {
    const q = grantShareSql(share);
    const { rowCount } = await this.query(q.sql, q.params);
    return rowCount > 0;
  }

  async revokeLineageShare(owner: Scope, granteeAccount: string): Promise<boolean> {
    const q = revokeShareSql(owner, granteeAccount);
    const { rowCount } = await this.query(q.sql, q.params);
    return rowCount > 0;
  }

  async ensureLineageGroup(scope: Scope, name: string, createdAt: number, createdBy: UserContext): Promise<void> {
    await this.query(
      `INSERT INTO lineage_groups (account, region, name, arn, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, name) DO NOTHING`,
      [
        scope.account,
        scope.region,
        name,
        `arn:aws:sagemaker:${scope.region}:${scope.account}:lineage-group/${name}`,
        createdAt,
        JSON.stringify(createdBy),
      ],
    );
  }

  async adjustQuotaUsage(scope: Scope, resource: QuotaResource, delta: number, limit: number | null): Promise<boolean> {
    // One atomic statement, as on SQLite: a first row can only be inserted within the limit, an
    // existing one only updated within it. ON CONFLICT locks the row and evaluates the WHERE on its
    // latest committed value, so replicas racing on one quota leave it exact.
    if (limit !== null && delta > limit) return false;
    const { rowCount } = await this.query(
      `INSERT INTO quota_usage (account, region, resource, used) VALUES (?, ?, ?, greatest(?::bigint, 0))
       ON CONFLICT (account, region, resource) DO UPDATE SET used = greatest(quota_usage.used + ?::bigint, 0)
       WHERE ?::bigint IS NULL OR quota_usage.used + ?::bigint <= ?::bigint`,
      [scope.account, scope.region, resource, delta, delta, limit, delta, limit],
    );
    return rowCount > 0;
  }

  // ---- Experiments, trials, trial components and Search ----
  //
  // Races between replicas: the handlers read-then-write only about entities they have locked
  // (requireEntity takes the row FOR UPDATE), so DeleteTrial and AssociateTrialComponent, or
  // DeleteExperiment and CreateTrial, run one after the other and the second sees what the first
  // committed. Everything below that is not under such a lock is one atomic statement or retries
  // on the database's verdict: membership and metrics by ON CONFLICT, document counts by
  // `documents = documents ± 1`, search spaces and documents by ON CONFLICT then a locking read.

  async listExperimentEntities(query: ExperimentEntityListQuery): Promise<EntityRecord[]> {
    const { sql, params } = experimentEntityListSql(query);
    return (await this.query<DbEntity>(sql, params)).rows.map(toEntityRecord);
  }

  async countTrialsOfExperiment(experimentId: number): Promise<number> {
    return this.count('SELECT count(*) AS n FROM experiment_trials WHERE experiment_id = ?', experimentId);
  }

  async countComponentsOfTrial(trialId: number): Promise<number> {
    return this.count('SELECT count(*) AS n FROM trial_members WHERE trial_id = ?', trialId);
  }

  async countTrialsOfComponent(componentId: number): Promise<number> {
    return this.count('SELECT count(*) AS n FROM trial_members WHERE component_id = ?', componentId);
  }

  async isTrialMember(trialId: number, componentId: number): Promise<boolean> {
    return (await this.one('SELECT 1 AS x FROM trial_members WHERE trial_id = ? AND component_id = ?', [trialId, componentId])) !== undefined;
  }

  async listTrialsOfComponent(componentId: number): Promise<EntityRecord[]> {
    return (await this.query<DbEntity>(TRIALS_OF_COMPONENT_SQL, [componentId])).rows.map(toEntityRecord);
  }

  async listComponentsOfTrial(trialId: number): Promise<EntityRecord[]> {
    return (await this.query<DbEntity>(COMPONENTS_OF_TRIAL_SQL, [trialId])).rows.map(toEntityRecord);
  }

  async listTrialComponentMetrics(componentId: number): Promise<MetricSummary[]> {
    const { rows } = await this.query<DbMetric>('SELECT * FROM trial_component_metrics WHERE component_id = ? ORDER BY metric_name', [
      componentId,
    ]);
    return rows.map(toMetricSummary);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const page = await searchPage(this.runner, query);
    if (page.length === 0) return [];
    const { rows } = await this.query<{ id: number; arn: string; record: Record<string, unknown> }>(
      'SELECT id, arn, record FROM search_documents WHERE id = ANY(?::bigint[])',
      [page.map((p) => p.docId)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return page.flatMap((p) => {
      const row = byId.get(p.docId);
      return row ? [{ docId: p.docId, arn: row.arn, record: row.record, sortValue: p.value }] : [];
    });
  }

  async searchPaths(scope: Scope, resource: string, prefix: string, limit: number): Promise<string[]> {
    const space = await this.searchSpace(scope, resource, false);
    if (space === undefined) return [];
    // Distinct paths by skipping through the value indexes: one seek per path, not one per value.
    const found = new Set<string>();
    for (const column of ['num', 'str']) {
      const first = `SELECT path FROM search_values WHERE space = ? AND path >= ? AND ${column} IS NOT NULL ORDER BY path LIMIT 1`;
      const next = `SELECT path FROM search_values WHERE space = ? AND path > ? AND ${column} IS NOT NULL ORDER BY path LIMIT 1`;
      let row = await this.one<{ path: string }>(first, [space, prefix]);
      for (let i = 0; i < limit && row && row.path.startsWith(prefix); i++) {
        found.add(row.path);
        row = await this.one<{ path: string }>(next, [space, row.path]);
      }
    }
    // Byte order, as the C collation of `path` sorts (and as SQLite does).
    return [...found].sort().slice(0, limit);
  }

  async linkTrialToExperiment(trialId: number, experimentId: number): Promise<void> {
    await this.query('INSERT INTO experiment_trials (trial_id, experiment_id) VALUES (?, ?)', [trialId, experimentId]);
  }

  async unlinkTrial(trialId: number): Promise<void> {
    await this.query('DELETE FROM experiment_trials WHERE trial_id = ?', [trialId]);
  }

  async addTrialMember(trialId: number, componentId: number, createdAt: number): Promise<boolean> {
    // Two replicas adding the same pair: ON CONFLICT waits for the other to commit, then reports
    // the row as already there, so exactly one of them sees true.
    const { rowCount } = await this.query(
      'INSERT INTO trial_members (trial_id, component_id, created_at) VALUES (?, ?, ?) ON CONFLICT (trial_id, component_id) DO NOTHING',
      [trialId, componentId, createdAt],
    );
    return rowCount > 0;
  }

  async removeTrialMember(trialId: number, componentId: number): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM trial_members WHERE trial_id = ? AND component_id = ?', [trialId, componentId]);
    return rowCount > 0;
  }

  async recordTrialComponentMetrics(componentId: number, samples: readonly MetricSample[]): Promise<void> {
    // One upsert per sample, as on SQLite: each folds into the row's latest committed value.
    for (const m of samples) {
      const v = m.value;
      await this.query(RECORD_METRIC_SQL, [componentId, m.name, m.sourceArn ?? null, v, v, v, v, v, v, m.timestamp, m.step ?? 0]);
    }
  }

  async deleteTrialComponentMetrics(componentId: number): Promise<void> {
    await this.query('DELETE FROM trial_component_metrics WHERE component_id = ?', [componentId]);
  }

  async putSearchDocument(doc: SearchDocument): Promise<void> {
    const space = (await this.searchSpace(doc.scope, doc.resource, true)) as number;
    const record = JSON.stringify(doc.record);
    let id: number | undefined;
    for (let attempt = 0; id === undefined; attempt++) {
      // Lock the current document, if any, so a racing replacement waits for this one.
      const existing = await this.one<{ id: number; space: number }>('SELECT id, space FROM search_documents WHERE arn = ? FOR UPDATE', [
        doc.arn,
      ]);
      if (existing) {
        id = existing.id;
        await this.query('UPDATE search_documents SET space = ?, record = ? WHERE id = ?', [space, record, id]);
        await this.query('DELETE FROM search_values WHERE doc_id = ?', [id]);
        if (existing.space !== space) {
          await this.query('UPDATE search_spaces SET documents = documents - 1 WHERE id = ?', [existing.space]);
          await this.query('UPDATE search_spaces SET documents = documents + 1 WHERE id = ?', [space]);
        }
        break;
      }
      const inserted = await this.one<{ id: number }>(
        'INSERT INTO search_documents (space, arn, record) VALUES (?, ?, ?) ON CONFLICT (arn) DO NOTHING RETURNING id',
        [space, doc.arn, record],
      );
      if (inserted) {
        id = inserted.id;
        await this.query('UPDATE search_spaces SET documents = documents + 1 WHERE id = ?', [space]);
      } else if (attempt >= 2) {
        // Another transaction keeps inserting and deleting this very document; let the caller retry.
        throw new Error(`The search document of ${doc.arn} is being rewritten concurrently; try again.`);
      }
      // Otherwise a racing transaction inserted it and committed: lock and replace that one.
    }
    if (doc.leaves.length === 0) return;
    // All leaves in one statement, as parallel arrays.
    await this.query(
      `INSERT INTO search_values (doc_id, path, elem, space, num, str)
       SELECT ?, l.path, l.elem, ?, l.num, l.str
       FROM unnest(?::text[], ?::integer[], ?::double precision[], ?::text[]) AS l (path, elem, num, str)`,
      [id, space, doc.leaves.map((l) => l.path), doc.leaves.map((l) => l.elem), doc.leaves.map((l) => l.num), doc.leaves.map((l) => l.str)],
    );
  }

  async deleteSearchDocument(arn: string): Promise<void> {
    // Deleting and reading what was deleted in one statement: of two racing deletes, only the one
    // that removed the row gives back its count.
    const row = await this.one<{ id: number; space: number }>('DELETE FROM search_documents WHERE arn = ? RETURNING id, space', [arn]);
    if (!row) return;
    await this.query('DELETE FROM search_values WHERE doc_id = ?', [row.id]);
    await this.query('UPDATE search_spaces SET documents = documents - 1 WHERE id = ?', [row.space]);
  }

  // ---- SageMaker resources ----

  async getResource(scope: Scope, kind: string, name: string): Promise<ResourceRecord | undefined> {
    const row = await this.one<DbResource>(
      `SELECT * FROM resources WHERE account = ? AND region = ? AND kind = ? AND name = ?${this.lock}`,
      [scope.account, scope.region, kind, name],
    );
    return row && toResourceRecord(row);
  }

  async getResourceByArn(arn: string): Promise<ResourceRecord | undefined> {
    const row = await this.one<DbResource>(`SELECT * FROM resources WHERE arn = ?${this.lock}`, [arn]);
    return row && toResourceRecord(row);
  }

  async listResources(query: ResourceListQuery): Promise<ResourceRecord[]> {
    const { sql, params } = resourceListSql(query);
    return (await this.query<DbResource>(sql, params)).rows.map(toResourceRecord);
  }

  async listResourcesInStatus(kinds: readonly string[], statuses: readonly string[]): Promise<ResourceRecord[]> {
    const { rows } = await this.query<DbResource>(
      `SELECT * FROM resources WHERE kind = ANY(?::text[]) AND status = ANY(?::text[]) ORDER BY id${this.lock}`,
      [kinds, statuses],
    );
    return rows.map(toResourceRecord);
  }

  async insertResource(r: NewResource): Promise<ResourceRecord> {
    // As insertEntity: ON CONFLICT keeps the transaction usable after a duplicate.
    const row = await this.one<{ id: number }>(
      `INSERT INTO resources (account, region, kind, name, arn, status, created_at, modified_at, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
      [r.account, r.region, r.kind, r.name, r.arn, r.status, r.createdAt, r.modifiedAt, JSON.stringify(r.doc)],
    );
    if (!row) {
      const sameArn = await this.one('SELECT 1 FROM resources WHERE arn = ?', [r.arn]);
      throw new UniqueViolation(sameArn ? 'resources_arn' : 'resources_name');
    }
    return { ...r, id: row.id };
  }

  async updateResource(id: number, patch: ResourcePatch): Promise<void> {
    await this.query(
      `UPDATE resources SET modified_at = ?, status = CASE WHEN ? THEN ? ELSE status END, doc = coalesce(?::jsonb, doc) WHERE id = ?`,
      [patch.modifiedAt, patch.status !== undefined, patch.status ?? null, patch.doc === undefined ? null : JSON.stringify(patch.doc), id],
    );
  }

  async deleteResource(id: number): Promise<void> {
    await this.query('DELETE FROM resources WHERE id = ?', [id]);
  }

  private async count(sql: string, ...params: unknown[]): Promise<number> {
    return (await this.one<{ n: number }>(sql, params))?.n ?? 0;
  }

  private async searchSpace(scope: Scope, resource: string, create: boolean): Promise<number | undefined> {
    const find = async (): Promise<number | undefined> =>
      (await this.one<{ id: number }>(SEARCH_SPACE_SQL, [scope.account, scope.region, resource]))?.id;
    const found = await find();
    if (found !== undefined || !create) return found;
    // Two replicas creating a space's first document: ON CONFLICT waits for the other's insert to
    // commit, and the next statement (READ COMMITTED) sees its row.
    await this.query('INSERT INTO search_spaces (account, region, resource) VALUES (?, ?, ?) ON CONFLICT (account, region, resource) DO NOTHING', [
      scope.account,
      scope.region,
      resource,
    ]);
    return find();
  }

  /**
   * The search planner's view of this connection. Its statements are built per condition, so
   * they run unnamed (parsed each time, and planned for their actual values) rather than filling
   * every connection with prepared statements used once.
   */
  private readonly runner: SqlRunner = {
    dialect: POSTGRES_DIALECT,
    all: async <T>(q: SqlQuery): Promise<T[]> => {
      try {
        return (await this.client.query<QueryResultRow>({ text: numberPlaceholders(q.sql), values: q.params })).rows as T[];
      } catch (e) {
        throw translatePostgresError(e);
      }
    },
  };
}
