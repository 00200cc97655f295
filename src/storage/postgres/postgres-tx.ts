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
  NewAssociation,
  NewEntity,
  QuotaResource,
  Tag,
  UserContext,
} from '../../core/model.js';
import { associationListSql, ASSOCIATION_COLUMNS, ASSOCIATION_FROM, entityListSql } from '../sql/listing.js';
import { numberPlaceholders } from '../sql/placeholders.js';
import type { AssociationListQuery, EntityListQuery, EntitySearchQuery, StoreTx, TagListQuery } from '../store.js';
import { entitySearchSql } from '../sql/search.js';
import { mergeSearchResults } from '../sql/search-order.js';
import { UniqueViolation } from '../store.js';
import type { HopDirection, LineageGraph, LineageHop, LineageVertex } from '../lineage-graph.js';
import type { DbLineageVertex } from '../sql/lineage-rows.js';
import { toLineageVertex } from '../sql/lineage-rows.js';
import { translatePostgresError } from './postgres-errors.js';
import type { DbAssociation, DbEntity, DbLineageGroup } from './postgres-rows.js';
import { toAssociationRecord, toEntityRecord, toLineageGroupRecord } from './postgres-rows.js';

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

  constructor(client: ClientBase, statements: StatementCache, mode: TxMode) {
    this.client = client;
    this.statements = statements;
    this.lock = mode === 'write' ? ' FOR UPDATE' : '';
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
    const { rows } = await this.query<{ source_id: number; destination_id: number; type: string | null }>(
      `SELECT source_id, destination_id, type FROM associations WHERE ${column} = ANY(?::bigint[])`,
      [ids],
    );
    return rows.map((r) => ({ sourceId: r.source_id, destinationId: r.destination_id, type: r.type as AssociationType | null }));
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
}
