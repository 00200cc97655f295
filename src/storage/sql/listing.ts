/**
 * SQL for the sorted, filtered, keyset-paginated listings. Written once with `?` placeholders;
 * each backend runs it as is (SQLite) or renumbers the placeholders (PostgreSQL).
 *
 * Keyset rather than OFFSET: a page starts strictly after the last row of the previous page in
 * (sort value, id) order, so rows inserted concurrently never shift a page or repeat a row.
 */
import { ValidationException } from '../../core/errors.js';
import type { AssociationListQuery, AssociationSortKey, Cursor, EntityListQuery, EntitySortKey, ResourceListQuery, ResourceSortKey } from '../store.js';

export interface SqlQuery {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * Time bounds beyond any stored time select the same rows as the largest safe integer does; clamping
 * keeps absurd filters (1e300 seconds) within PostgreSQL's bigint, as SQLite needs no such care.
 */
function timeBound(ms: number): number {
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, ms));
}

/**
 * A cursor comes back from a client inside a NextToken. One whose values cannot have come from the
 * listing it claims (a text where a time belongs, an id that is no row id) was not issued by us.
 */
function checkCursor(after: Cursor, numericSort: boolean): void {
  const valueOk = numericSort ? Number.isSafeInteger(after.value) : typeof after.value === 'string';
  if (!valueOk || !Number.isSafeInteger(after.id)) {
    throw new ValidationException('Invalid NextToken: it was not issued by this service.');
  }
}

export function keysetCondition(column: string, tiebreak: string, ascending: boolean, after: Cursor): SqlQuery {
  const op = ascending ? '>' : '<';
  return {
    sql: `(${column} ${op} ? OR (${column} = ? AND ${tiebreak} ${op} ?))`,
    params: [after.value, after.value, after.id],
  };
}

const ENTITY_SORT_COLUMN: Record<EntitySortKey, string> = {
  CreationTime: 'created_at',
  Name: 'name',
};

export function entityListSql(q: EntityListQuery): SqlQuery {
  const where = ['account = ?', 'region = ?', 'kind = ?'];
  const params: unknown[] = [q.scope.account, q.scope.region, q.kind];
  // Named kinds sort by name through the unique name index, which leaves artifacts out (they are
  // identified by source); this literal lets the planner use that partial index.
  if (q.sortBy === 'Name') where.push("kind <> 'artifact'");
  if (q.sourceUri !== undefined) {
    where.push('source_uri = ?');
    params.push(q.sourceUri);
  }
  if (q.type !== undefined) {
    where.push('type = ?');
    params.push(q.type);
  }
  if (q.createdAfter !== undefined) {
    where.push('created_at >= ?');
    params.push(timeBound(q.createdAfter));
  }
  if (q.createdBefore !== undefined) {
    where.push('created_at <= ?');
    params.push(timeBound(q.createdBefore));
  }
  const column = ENTITY_SORT_COLUMN[q.sortBy];
  if (q.after) {
    checkCursor(q.after, q.sortBy === 'CreationTime');
    const k = keysetCondition(column, 'id', q.ascending, q.after);
    where.push(k.sql);
    params.push(...k.params);
  }
  const dir = q.ascending ? 'ASC' : 'DESC';
  params.push(q.limit);
  return {
    sql: `SELECT * FROM entities WHERE ${where.join(' AND ')} ORDER BY ${column} ${dir}, id ${dir} LIMIT ?`,
    params,
  };
}

/** The SELECT list every association read uses: the edge joined with both of its ends. */
/** The accounts owning the associations at either end of one entity (`?` × 3: its id), with how many each. */
export const ASSOCIATION_ACCOUNTS_OF_SQL = `
  SELECT account, count(*) AS n FROM (
    SELECT account FROM associations WHERE source_id = ?
    UNION ALL SELECT account FROM associations WHERE destination_id = ? AND source_id <> ?
  ) AS ends GROUP BY account ORDER BY account`;

export const ASSOCIATION_COLUMNS = `
  a.id AS id, a.source_id, a.destination_id, s.arn AS source_arn, d.arn AS destination_arn,
  s.type AS source_type, d.type AS destination_type, s.name AS source_name, d.name AS destination_name,
  a.type, a.account, a.region, a.created_at, a.created_by, a.automatic`;

export const ASSOCIATION_FROM = `
  associations a JOIN entities s ON s.id = a.source_id JOIN entities d ON d.id = a.destination_id`;

const ASSOCIATION_SORT_COLUMN: Record<AssociationSortKey, string> = {
  SourceArn: 's.arn',
  DestinationArn: 'd.arn',
  SourceType: "coalesce(s.type, '')",
  DestinationType: "coalesce(d.type, '')",
  CreationTime: 'a.created_at',
};

export function associationListSql(q: AssociationListQuery): SqlQuery {
  const where = ['a.account = ?', 'a.region = ?'];
  const params: unknown[] = [q.scope.account, q.scope.region];
  const add = (sql: string, value: unknown): void => {
    where.push(sql);
    params.push(value);
  };
  if (q.endAccounts !== undefined) {
    const list = q.endAccounts.map(() => '?').join(', ');
    where.push(`s.account IN (${list})`, `d.account IN (${list})`, 's.region = ?', 'd.region = ?');
    params.push(...q.endAccounts, ...q.endAccounts, q.scope.region, q.scope.region);
  }
  if (q.sourceArn !== undefined) add('s.arn = ?', q.sourceArn);
  if (q.destinationArn !== undefined) add('d.arn = ?', q.destinationArn);
  if (q.sourceType !== undefined) add('s.type = ?', q.sourceType);
  if (q.destinationType !== undefined) add('d.type = ?', q.destinationType);
  if (q.associationType !== undefined) add('a.type = ?', q.associationType);
  if (q.createdAfter !== undefined) add('a.created_at >= ?', timeBound(q.createdAfter));
  if (q.createdBefore !== undefined) add('a.created_at <= ?', timeBound(q.createdBefore));
  const column = ASSOCIATION_SORT_COLUMN[q.sortBy];
  if (q.after) {
    checkCursor(q.after, q.sortBy === 'CreationTime');
    const k = keysetCondition(column, 'a.id', q.ascending, q.after);
    where.push(k.sql);
    params.push(...k.params);
  }
  const dir = q.ascending ? 'ASC' : 'DESC';
  params.push(q.limit);
  return {
    sql: `SELECT ${ASSOCIATION_COLUMNS} FROM ${ASSOCIATION_FROM} WHERE ${where.join(' AND ')}
          ORDER BY ${column} ${dir}, a.id ${dir} LIMIT ?`,
    params,
  };
}

const RESOURCE_SORT_COLUMN: Record<ResourceSortKey, string> = {
  CreationTime: 'created_at',
  Name: 'name',
  Status: 'status',
};

/** `LIKE` text matching `text` literally (its `%`, `_` and `\\` escaped). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function resourceListSql(q: ResourceListQuery): SqlQuery {
  const where = ['account = ?', 'region = ?', 'kind = ?'];
  const params: unknown[] = [q.scope.account, q.scope.region, q.kind];
  if (q.nameContains !== undefined) {
    where.push("lower(name) LIKE ? ESCAPE '\\'");
    params.push(`%${likeLiteral(q.nameContains.toLowerCase())}%`);
  }
  if (q.namePrefix !== undefined) {
    where.push('substr(name, 1, ?) = ?');
    params.push(q.namePrefix.length, q.namePrefix);
  }
  if (q.versioned !== undefined) where.push(q.versioned ? "name LIKE '%/%'" : "name NOT LIKE '%/%'");
  if (q.status !== undefined) {
    where.push('status = ?');
    params.push(q.status);
  }
  const bounds: [number | undefined, string][] = [
    [q.createdAfter, 'created_at >= ?'],
    [q.createdBefore, 'created_at <= ?'],
    [q.modifiedAfter, 'modified_at >= ?'],
    [q.modifiedBefore, 'modified_at <= ?'],
  ];
  for (const [bound, sql] of bounds) {
    if (bound === undefined) continue;
    where.push(sql);
    params.push(timeBound(bound));
  }
  // Status is never null for the resources that sort by it; coalesce keeps the keyset total anyway.
  const column = q.sortBy === 'Status' ? "coalesce(status, '')" : RESOURCE_SORT_COLUMN[q.sortBy];
  if (q.after) {
    checkCursor(q.after, q.sortBy === 'CreationTime');
    const k = keysetCondition(column, 'id', q.ascending, q.after);
    where.push(k.sql);
    params.push(...k.params);
  }
  const dir = q.ascending ? 'ASC' : 'DESC';
  params.push(q.limit);
  return {
    sql: `SELECT * FROM resources WHERE ${where.join(' AND ')} ORDER BY ${column} ${dir}, id ${dir} LIMIT ?`,
    params,
  };
}
