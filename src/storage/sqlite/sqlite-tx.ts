/**
 * The SQLite implementation of StoreTx. better-sqlite3 is synchronous, so each method does its
 * work at once and returns a settled promise; the store (sqlite-store.ts) makes sure only one
 * transaction uses the connection at a time.
 */
import type { Database, Statement } from 'better-sqlite3';
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
import type { HopDirection, LineageGraph, LineageHop, LineageVertex } from '../lineage-graph.js';
import type { SqlQuery } from '../sql/listing.js';
import { COMPONENTS_OF_TRIAL_SQL, experimentEntityListSql, RECORD_METRIC_SQL, TRIALS_OF_COMPONENT_SQL } from '../sql/experiments.js';
import { SQLITE_DIALECT } from '../sql/dialect.js';
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
import { translateSqliteError } from './sqlite-errors.js';
import type { DbLineageHop, DbLineageVertex } from '../sql/lineage-rows.js';
import { toLineageHop, toLineageVertex } from '../sql/lineage-rows.js';
import type { DbMetric } from '../sql/metric-rows.js';
import { toMetricSummary } from '../sql/metric-rows.js';
import type { DbAssociation, DbEntity, DbLineageGroup, DbLineageShare, DbResource } from './sqlite-rows.js';
import { toAssociationRecord, toEntityRecord, toLineageGroupRecord, toLineageShareRecord, toResourceRecord } from './sqlite-rows.js';
import type { WriterCache } from './writer-cache.js';
import type { InsertLog } from './insert-log.js';
import type { QuotaCounts } from './quota-counts.js';
import { QUOTA_USAGE_SQL } from './quota-counts.js';

/** JSON arrays bind a whole batch to one `?`, so one prepared statement serves every batch size. */
const IDS = 'SELECT value FROM json_each(?)';

export class SqliteTx implements StoreTx {
  private readonly statements = new Map<string, Statement>();
  private readonly db: Database;
  private readonly indexedGraph: ((reader: SqliteTx) => LineageGraph | undefined) | undefined;
  private readonly cache: WriterCache | undefined;
  private readonly inserts: InsertLog | undefined;
  private readonly quotas: QuotaCounts | undefined;

  /**
   * @param options.indexedGraph for the reader connection: the in-memory lineage index brought up
   *   to this read's snapshot, when one is ready (sqlite/lineage-sync.ts).
   * @param options.cache for the writer connection only (writer-cache.ts).
   * @param options.inserts for the writer connection only: where inserted entities and associations
   *   are noted for the lineage change log (insert-log.ts).
   * @param options.quotas for the writer connection only: the quota counts it keeps in memory
   *   between commits (quota-counts.ts).
   */
  constructor(
    db: Database,
    options: {
      indexedGraph?: (reader: SqliteTx) => LineageGraph | undefined;
      cache?: WriterCache;
      inserts?: InsertLog;
      quotas?: QuotaCounts;
    } = {},
  ) {
    this.db = db;
    this.indexedGraph = options.indexedGraph;
    this.cache = options.cache;
    this.inserts = options.inserts;
    this.quotas = options.quotas;
  }

  /** Runs a read-only statement of the lineage index's own (its change log) on this connection. */
  query<T>(sql: string, params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  lineageGraph(): LineageGraph {
    return this.indexedGraph?.(this) ?? this;
  }

  lineageIdsOf(arns: readonly string[]): ReadonlyMap<string, number> {
    const rows = this.stmt(`SELECT id, arn FROM entities WHERE arn IN (${IDS})`).all(JSON.stringify(arns)) as {
      id: number;
      arn: string;
    }[];
    return new Map(rows.map((r) => [r.arn, r.id]));
  }

  lineageHops(ids: readonly number[], direction: HopDirection): LineageHop[] {
    const sql =
      direction === 'out'
        ? `SELECT source_id, destination_id, type FROM associations WHERE source_id IN (${IDS})`
        : `SELECT source_id, destination_id, type FROM associations WHERE destination_id IN (${IDS})`;
    return (this.stmt(sql).all(JSON.stringify(ids)) as DbLineageHop[]).map(toLineageHop);
  }

  lineageVertices(ids: readonly number[]): LineageVertex[] {
    const rows = this.stmt(
      `SELECT id, arn, kind, type, account, region, created_at, modified_at FROM entities WHERE id IN (${IDS})`,
    ).all(JSON.stringify(ids)) as DbLineageVertex[];
    return rows.map(toLineageVertex);
  }

  /** The vertices with ids in [first, last]: a commit batch's inserts (insert-log.ts). */
  lineageVerticesBetween(first: number, last: number): LineageVertex[] {
    const rows = this.stmt(
      'SELECT id, arn, kind, type, account, region, created_at, modified_at FROM entities WHERE id BETWEEN ? AND ?',
    ).all(first, last) as DbLineageVertex[];
    return rows.map(toLineageVertex);
  }

  /** The associations with ids in [first, last]: a commit batch's inserts (insert-log.ts). */
  lineageHopsBetween(first: number, last: number): LineageHop[] {
    const rows = this.stmt('SELECT source_id, destination_id, type FROM associations WHERE id BETWEEN ? AND ?').all(first, last) as DbLineageHop[];
    return rows.map(toLineageHop);
  }

  lineageProperties(ids: readonly number[]): ReadonlyMap<number, Readonly<Record<string, string>>> {
    const rows = this.stmt(`SELECT id, properties FROM entities WHERE id IN (${IDS})`).all(JSON.stringify(ids)) as {
      id: number;
      properties: string;
    }[];
    return new Map(rows.map((r) => [r.id, JSON.parse(r.properties) as Record<string, string>]));
  }

  /** Prepared statements are cached by their text: preparing costs more than running. */
  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private run(sql: string, params: unknown[]): { changes: number; lastInsertRowid: number | bigint } {
    try {
      return this.stmt(sql).run(...params);
    } catch (e) {
      throw translateSqliteError(e);
    }
  }

  getEntityByArn(arn: string): Promise<EntityRecord | undefined> {
    const row = this.stmt('SELECT * FROM entities WHERE arn = ?').get(arn) as DbEntity | undefined;
    return Promise.resolve(row && toEntityRecord(row));
  }

  getEntityRef(arn: string): Promise<EntityRef | undefined> {
    const row = this.stmt('SELECT id, arn, account, region, kind FROM entities WHERE arn = ?').get(arn) as
      | { id: number; arn: string; account: string; region: string; kind: EntityKind }
      | undefined;
    return Promise.resolve(row);
  }

  getEntityByName(scope: Scope, kind: EntityKind, name: string): Promise<EntityRecord | undefined> {
    const row = this.stmt('SELECT * FROM entities WHERE account = ? AND region = ? AND kind = ? AND name = ?').get(
      scope.account,
      scope.region,
      kind,
      name,
    ) as DbEntity | undefined;
    return Promise.resolve(row && toEntityRecord(row));
  }

  listEntities(query: EntityListQuery): Promise<EntityRecord[]> {
    const { sql, params } = entityListSql(query);
    const rows = this.stmt(sql).all(...params) as DbEntity[];
    return Promise.resolve(rows.map(toEntityRecord));
  }

  searchEntities(query: EntitySearchQuery): Promise<EntityRecord[]> {
    const batches = entitySearchSql(query, (column) => column).map(({ sql, params }) =>
      (this.stmt(sql).all(...params) as DbEntity[]).map(toEntityRecord),
    );
    return Promise.resolve(mergeSearchResults(query.text, batches, query.limit));
  }

  getAssociation(sourceId: number, destinationId: number): Promise<AssociationRecord | undefined> {
    const row = this.stmt(
      `SELECT ${ASSOCIATION_COLUMNS} FROM ${ASSOCIATION_FROM} WHERE a.source_id = ? AND a.destination_id = ?`,
    ).get(sourceId, destinationId) as DbAssociation | undefined;
    return Promise.resolve(row && toAssociationRecord(row));
  }

  listAssociations(query: AssociationListQuery): Promise<AssociationRecord[]> {
    const { sql, params } = associationListSql(query);
    const rows = this.stmt(sql).all(...params) as DbAssociation[];
    return Promise.resolve(rows.map(toAssociationRecord));
  }

  countAssociationsOf(entityId: number): Promise<number> {
    const row = this.stmt(
      `SELECT (SELECT count(*) FROM associations WHERE source_id = ?)
            + (SELECT count(*) FROM associations WHERE destination_id = ? AND source_id <> ?) AS n`,
    ).get(entityId, entityId, entityId) as { n: number };
    return Promise.resolve(row.n);
  }

  associationAccountsOf(entityId: number): Promise<ReadonlyMap<string, number>> {
    const rows = this.stmt(ASSOCIATION_ACCOUNTS_OF_SQL).all(entityId, entityId, entityId) as { account: string; n: number }[];
    return Promise.resolve(new Map(rows.map((r) => [r.account, r.n])));
  }

  listTags(query: TagListQuery): Promise<Tag[]> {
    const rows = this.stmt(
      'SELECT key, value FROM tags WHERE resource_arn = ? AND key > ? ORDER BY key LIMIT ?',
    ).all(query.resourceArn, query.afterKey ?? '', query.limit) as { key: string; value: string }[];
    return Promise.resolve(rows.map((r) => ({ Key: r.key, Value: r.value })));
  }

  countTags(resourceArn: string): Promise<number> {
    const row = this.stmt('SELECT count(*) AS n FROM tags WHERE resource_arn = ?').get(resourceArn) as { n: number };
    return Promise.resolve(row.n);
  }

  getLineageGroup(scope: Scope, name: string): Promise<LineageGroupRecord | undefined> {
    const row = this.stmt('SELECT * FROM lineage_groups WHERE account = ? AND region = ? AND name = ?').get(
      scope.account,
      scope.region,
      name,
    ) as DbLineageGroup | undefined;
    return Promise.resolve(row && toLineageGroupRecord(row));
  }

  listLineageGroups(scope: Scope): Promise<LineageGroupRecord[]> {
    const rows = this.stmt('SELECT * FROM lineage_groups WHERE account = ? AND region = ? ORDER BY created_at, name').all(
      scope.account,
      scope.region,
    ) as DbLineageGroup[];
    return Promise.resolve(rows.map(toLineageGroupRecord));
  }

  listLineageShares(scope: Scope): Promise<readonly LineageShareRecord[]> {
    const cached = this.cache?.sharesOf(scope.account, scope.region);
    if (cached) return Promise.resolve(cached);
    const q = sharesOfSql(scope);
    const rows = this.stmt(q.sql).all(...q.params) as DbLineageShare[];
    const shares = rows.map(toLineageShareRecord);
    this.cache?.rememberShares(scope.account, scope.region, shares);
    return Promise.resolve(shares);
  }

  artifactTwins(region: string, accountA: string, accountB: string): Promise<{ a: EntityRef; b: EntityRef }[]> {
    const prefixA = `arn:aws:sagemaker:${region}:${accountA}:artifact/`;
    const prefixB = `arn:aws:sagemaker:${region}:${accountB}:artifact/`;
    // The twin's ARN is computed from each artifact's, so every twin is one lookup in entities_arn.
    const rows = this.stmt(
      `SELECT a.id AS a_id, a.arn AS a_arn, b.id AS b_id, b.arn AS b_arn
       FROM entities a JOIN entities b ON b.arn = ? || substr(a.arn, ?)
       WHERE a.account = ? AND a.region = ? AND a.kind = 'artifact' AND b.kind = 'artifact'
       ORDER BY a.id`,
    ).all(prefixB, prefixA.length + 1, accountA, region) as { a_id: number; a_arn: string; b_id: number; b_arn: string }[];
    return Promise.resolve(
      rows.map((r) => ({
        a: { id: r.a_id, arn: r.a_arn, account: accountA, region, kind: 'artifact' },
        b: { id: r.b_id, arn: r.b_arn, account: accountB, region, kind: 'artifact' },
      })),
    );
  }

  quotaUsage(scope: Scope, resource: QuotaResource): Promise<number> {
    if (this.quotas) return Promise.resolve(this.quotas.usage(scope, resource));
    const row = this.stmt(QUOTA_USAGE_SQL).get(
      scope.account,
      scope.region,
      resource,
    ) as { used: number } | undefined;
    return Promise.resolve(row?.used ?? 0);
  }

  insertEntity(e: NewEntity): Promise<EntityRecord> {
    const result = this.run(
      `INSERT INTO entities (arn, account, region, kind, name, type, source_uri, status, description, properties,
         attrs, created_at, created_by, modified_at, modified_by, automatic)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        e.automatic ? 1 : 0,
      ],
    );
    const id = Number(result.lastInsertRowid);
    this.inserts?.entityInserted(id);
    return Promise.resolve({ ...e, id });
  }

  updateEntity(id: number, patch: EntityPatch): Promise<void> {
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
    this.run(`UPDATE entities SET ${sets.join(', ')} WHERE id = ?`, params);
    return Promise.resolve();
  }

  deleteEntity(id: number): Promise<void> {
    this.run('DELETE FROM entities WHERE id = ?', [id]);
    return Promise.resolve();
  }

  insertAssociation(a: NewAssociation): Promise<void> {
    const result = this.run(
      `INSERT INTO associations (source_id, destination_id, type, account, region, created_at, created_by, automatic)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        a.sourceId,
        a.destinationId,
        a.type,
        a.scope.account,
        a.scope.region,
        a.createdAt,
        JSON.stringify(a.createdBy),
        a.automatic ? 1 : 0,
      ],
    );
    this.inserts?.associationInserted(Number(result.lastInsertRowid));
    return Promise.resolve();
  }

  deleteAssociation(sourceId: number, destinationId: number): Promise<boolean> {
    const r = this.run('DELETE FROM associations WHERE source_id = ? AND destination_id = ?', [sourceId, destinationId]);
    return Promise.resolve(r.changes > 0);
  }

  deleteAutomaticAssociationsOf(entityId: number, type: AssociationType): Promise<number> {
    return Promise.resolve(this.run(DELETE_AUTOMATIC_ASSOCIATIONS_OF_SQL, [type, entityId, entityId]).changes);
  }

  putTags(resourceArn: string, tags: readonly Tag[]): Promise<void> {
    for (const t of tags) {
      this.run(
        'INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?) ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value',
        [resourceArn, t.Key, t.Value],
      );
    }
    return Promise.resolve();
  }

  removeTags(resourceArn: string, keys: readonly string[]): Promise<void> {
    for (const k of keys) this.run('DELETE FROM tags WHERE resource_arn = ? AND key = ?', [resourceArn, k]);
    return Promise.resolve();
  }

  removeAllTags(resourceArn: string): Promise<void> {
    this.run('DELETE FROM tags WHERE resource_arn = ?', [resourceArn]);
    return Promise.resolve();
  }

  grantLineageShare(share: LineageShareRecord): Promise<boolean> {
    this.cache?.forgetShares();
    const q = grantShareSql(share);
    return Promise.resolve(this.run(q.sql, q.params).changes > 0);
  }

  revokeLineageShare(owner: Scope, granteeAccount: string): Promise<boolean> {
    this.cache?.forgetShares();
    const q = revokeShareSql(owner, granteeAccount);
    return Promise.resolve(this.run(q.sql, q.params).changes > 0);
  }

  ensureLineageGroup(scope: Scope, name: string, createdAt: number, createdBy: UserContext): Promise<void> {
    if (this.cache?.hasGroup(scope.account, scope.region, name)) return Promise.resolve();
    const r = this.run(
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
    // Remembered only once found already there, so a group this transaction inserted is not
    // remembered before it has been committed (a rollback forgets the rest: writer-cache.ts).
    if (r.changes === 0) this.cache?.rememberGroup(scope.account, scope.region, name);
    return Promise.resolve();
  }

  adjustQuotaUsage(scope: Scope, resource: QuotaResource, delta: number, limit: number | null): Promise<boolean> {
    // Only the writer changes counts, and it keeps them itself until its batch commits.
    if (!this.quotas) return Promise.reject(new Error('Quota counts change only on the writer connection.'));
    return Promise.resolve(this.quotas.adjust(scope, resource, delta, limit));
  }

  // ---- Experiments, trials, trial components and Search ----

  listExperimentEntities(query: ExperimentEntityListQuery): Promise<EntityRecord[]> {
    const { sql, params } = experimentEntityListSql(query);
    return Promise.resolve((this.stmt(sql).all(...params) as DbEntity[]).map(toEntityRecord));
  }

  countTrialsOfExperiment(experimentId: number): Promise<number> {
    return Promise.resolve(this.count('SELECT count(*) AS n FROM experiment_trials WHERE experiment_id = ?', experimentId));
  }

  countComponentsOfTrial(trialId: number): Promise<number> {
    return Promise.resolve(this.count('SELECT count(*) AS n FROM trial_members WHERE trial_id = ?', trialId));
  }

  countTrialsOfComponent(componentId: number): Promise<number> {
    return Promise.resolve(this.count('SELECT count(*) AS n FROM trial_members WHERE component_id = ?', componentId));
  }

  isTrialMember(trialId: number, componentId: number): Promise<boolean> {
    const row = this.stmt('SELECT 1 AS x FROM trial_members WHERE trial_id = ? AND component_id = ?').get(trialId, componentId);
    return Promise.resolve(row !== undefined);
  }

  listTrialsOfComponent(componentId: number): Promise<EntityRecord[]> {
    return Promise.resolve((this.stmt(TRIALS_OF_COMPONENT_SQL).all(componentId) as DbEntity[]).map(toEntityRecord));
  }

  listComponentsOfTrial(trialId: number): Promise<EntityRecord[]> {
    return Promise.resolve((this.stmt(COMPONENTS_OF_TRIAL_SQL).all(trialId) as DbEntity[]).map(toEntityRecord));
  }

  listTrialComponentMetrics(componentId: number): Promise<MetricSummary[]> {
    const rows = this.stmt('SELECT * FROM trial_component_metrics WHERE component_id = ? ORDER BY metric_name').all(
      componentId,
    ) as DbMetric[];
    return Promise.resolve(rows.map(toMetricSummary));
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const page = await searchPage(this.runner, query);
    if (page.length === 0) return [];
    const rows = this.stmt(
      `SELECT id, arn, record FROM search_documents WHERE id IN (${page.map(() => '?').join(', ')})`,
    ).all(...page.map((p) => p.docId)) as { id: number; arn: string; record: string }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return page.flatMap((p) => {
      const row = byId.get(p.docId);
      return row ? [{ docId: p.docId, arn: row.arn, record: JSON.parse(row.record) as Record<string, unknown>, sortValue: p.value }] : [];
    });
  }

  searchPaths(scope: Scope, resource: string, prefix: string, limit: number): Promise<string[]> {
    const space = this.searchSpace(scope, resource, false);
    if (space === undefined) return Promise.resolve([]);
    // Distinct paths by skipping through the value indexes: one seek per path, not one per value.
    const found = new Set<string>();
    for (const column of ['num', 'str']) {
      const first = this.stmt(
        `SELECT path FROM search_values WHERE space = ? AND path >= ? AND ${column} IS NOT NULL ORDER BY path LIMIT 1`,
      );
      const next = this.stmt(
        `SELECT path FROM search_values WHERE space = ? AND path > ? AND ${column} IS NOT NULL ORDER BY path LIMIT 1`,
      );
      let row = first.get(space, prefix) as { path: string } | undefined;
      for (let i = 0; i < limit && row && row.path.startsWith(prefix); i++) {
        found.add(row.path);
        row = next.get(space, row.path) as { path: string } | undefined;
      }
    }
    return Promise.resolve([...found].sort().slice(0, limit));
  }

  linkTrialToExperiment(trialId: number, experimentId: number): Promise<void> {
    this.run('INSERT INTO experiment_trials (trial_id, experiment_id) VALUES (?, ?)', [trialId, experimentId]);
    return Promise.resolve();
  }

  unlinkTrial(trialId: number): Promise<void> {
    this.run('DELETE FROM experiment_trials WHERE trial_id = ?', [trialId]);
    return Promise.resolve();
  }

  addTrialMember(trialId: number, componentId: number, createdAt: number): Promise<boolean> {
    const r = this.run(
      'INSERT INTO trial_members (trial_id, component_id, created_at) VALUES (?, ?, ?) ON CONFLICT (trial_id, component_id) DO NOTHING',
      [trialId, componentId, createdAt],
    );
    return Promise.resolve(r.changes > 0);
  }

  removeTrialMember(trialId: number, componentId: number): Promise<boolean> {
    const r = this.run('DELETE FROM trial_members WHERE trial_id = ? AND component_id = ?', [trialId, componentId]);
    return Promise.resolve(r.changes > 0);
  }

  recordTrialComponentMetrics(componentId: number, samples: readonly MetricSample[]): Promise<void> {
    for (const m of samples) {
      const v = m.value;
      this.run(RECORD_METRIC_SQL, [componentId, m.name, m.sourceArn ?? null, v, v, v, v, v, v, m.timestamp, m.step ?? 0]);
    }
    return Promise.resolve();
  }

  deleteTrialComponentMetrics(componentId: number): Promise<void> {
    this.run('DELETE FROM trial_component_metrics WHERE component_id = ?', [componentId]);
    return Promise.resolve();
  }

  putSearchDocument(doc: SearchDocument): Promise<void> {
    const space = this.searchSpace(doc.scope, doc.resource, true) as number;
    const existing = this.stmt('SELECT id, space FROM search_documents WHERE arn = ?').get(doc.arn) as { id: number; space: number } | undefined;
    let id: number;
    if (existing) {
      id = existing.id;
      this.run('UPDATE search_documents SET space = ?, record = ? WHERE id = ?', [space, JSON.stringify(doc.record), id]);
      this.run('DELETE FROM search_values WHERE doc_id = ?', [id]);
      if (existing.space !== space) {
        this.run('UPDATE search_spaces SET documents = documents - 1 WHERE id = ?', [existing.space]);
        this.run('UPDATE search_spaces SET documents = documents + 1 WHERE id = ?', [space]);
      }
    } else {
      const r = this.run('INSERT INTO search_documents (space, arn, record) VALUES (?, ?, ?)', [space, doc.arn, JSON.stringify(doc.record)]);
      id = Number(r.lastInsertRowid);
      this.run('UPDATE search_spaces SET documents = documents + 1 WHERE id = ?', [space]);
    }
    const insert = 'INSERT INTO search_values (doc_id, path, elem, space, num, str) VALUES (?, ?, ?, ?, ?, ?)';
    for (const leaf of doc.leaves) this.run(insert, [id, leaf.path, leaf.elem, space, leaf.num, leaf.str]);
    return Promise.resolve();
  }

  deleteSearchDocument(arn: string): Promise<void> {
    const row = this.stmt('SELECT id, space FROM search_documents WHERE arn = ?').get(arn) as { id: number; space: number } | undefined;
    if (!row) return Promise.resolve();
    this.run('DELETE FROM search_values WHERE doc_id = ?', [row.id]);
    this.run('DELETE FROM search_documents WHERE id = ?', [row.id]);
    this.run('UPDATE search_spaces SET documents = documents - 1 WHERE id = ?', [row.space]);
    return Promise.resolve();
  }

  // ---- SageMaker resources ----

  getResource(scope: Scope, kind: string, name: string): Promise<ResourceRecord | undefined> {
    const row = this.stmt('SELECT * FROM resources WHERE account = ? AND region = ? AND kind = ? AND name = ?').get(
      scope.account,
      scope.region,
      kind,
      name,
    ) as DbResource | undefined;
    return Promise.resolve(row && toResourceRecord(row));
  }

  getResourceByArn(arn: string): Promise<ResourceRecord | undefined> {
    const row = this.stmt('SELECT * FROM resources WHERE arn = ?').get(arn) as DbResource | undefined;
    return Promise.resolve(row && toResourceRecord(row));
  }

  listResources(query: ResourceListQuery): Promise<ResourceRecord[]> {
    const { sql, params } = resourceListSql(query);
    return Promise.resolve((this.stmt(sql).all(...params) as DbResource[]).map(toResourceRecord));
  }

  listResourcesInStatus(kinds: readonly string[], statuses: readonly string[]): Promise<ResourceRecord[]> {
    const rows = this.stmt(`SELECT * FROM resources WHERE kind IN (${IDS}) AND status IN (SELECT value FROM json_each(?)) ORDER BY id`).all(
      JSON.stringify(kinds),
      JSON.stringify(statuses),
    ) as DbResource[];
    return Promise.resolve(rows.map(toResourceRecord));
  }

  insertResource(r: NewResource): Promise<ResourceRecord> {
    const result = this.run(
      'INSERT INTO resources (account, region, kind, name, arn, status, created_at, modified_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [r.account, r.region, r.kind, r.name, r.arn, r.status, r.createdAt, r.modifiedAt, JSON.stringify(r.doc)],
    );
    return Promise.resolve({ ...r, id: Number(result.lastInsertRowid) });
  }

  updateResource(id: number, patch: ResourcePatch): Promise<void> {
    const sets = ['modified_at = ?'];
    const params: unknown[] = [patch.modifiedAt];
    if (patch.status !== undefined) {
      sets.push('status = ?');
      params.push(patch.status);
    }
    if (patch.doc !== undefined) {
      sets.push('doc = ?');
      params.push(JSON.stringify(patch.doc));
    }
    this.run(`UPDATE resources SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
    return Promise.resolve();
  }

  deleteResource(id: number): Promise<void> {
    this.run('DELETE FROM resources WHERE id = ?', [id]);
    return Promise.resolve();
  }

  private count(sql: string, ...params: unknown[]): number {
    return (this.stmt(sql).get(...params) as { n: number }).n;
  }

  private searchSpace(scope: Scope, resource: string, create: boolean): number | undefined {
    const find = (): number | undefined =>
      (this.stmt(SEARCH_SPACE_SQL).get(scope.account, scope.region, resource) as { id: number } | undefined)?.id;
    const found = find();
    if (found !== undefined || !create) return found;
    this.run('INSERT INTO search_spaces (account, region, resource) VALUES (?, ?, ?)', [scope.account, scope.region, resource]);
    return find();
  }

  /** The search planner's view of this connection. */
  private readonly runner: SqlRunner = {
    dialect: SQLITE_DIALECT,
    all: <T>(q: SqlQuery): Promise<T[]> => Promise.resolve(this.stmt(q.sql).all(...q.params) as T[]),
  };
}
