/**
 * SQL for the sorted, filtered, keyset-paginated listings. Written once with `?` placeholders;
 * each backend runs it as is (SQLite) or renumbers the placeholders (PostgreSQL).
 *
 * Keyset rather than OFFSET: a page starts strictly after the last row of the previous page in
 * (sort value, id) order, so rows inserted concurrently never shift a page or repeat a row.
 */
import type { AssociationListQuery, AssociationSortKey, Cursor, EntityListQuery, EntitySortKey } from '../store.js';

export interface SqlQuery {
  readonly sql: string;
  readonly params: unknown[];
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
    params.push(q.createdAfter);
  }
  if (q.createdBefore !== undefined) {
    where.push('created_at <= ?');
    params.push(q.createdBefore);
  }
  const column = ENTITY_SORT_COLUMN[q.sortBy];
  if (q.after) {
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
  if (q.sourceArn !== undefined) add('s.arn = ?', q.sourceArn);
  if (q.destinationArn !== undefined) add('d.arn = ?', q.destinationArn);
  if (q.sourceType !== undefined) add('s.type = ?', q.sourceType);
  if (q.destinationType !== undefined) add('d.type = ?', q.destinationType);
  if (q.associationType !== undefined) add('a.type = ?', q.associationType);
  if (q.createdAfter !== undefined) add('a.created_at >= ?', q.createdAfter);
  if (q.createdBefore !== undefined) add('a.created_at <= ?', q.createdBefore);
  const column = ASSOCIATION_SORT_COLUMN[q.sortBy];
  if (q.after) {
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
