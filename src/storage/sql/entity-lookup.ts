/**
 * SQL for finding lineage entities by what a person types: an ARN (or its beginning), the beginning
 * of a name, or the beginning of a source URI. One statement per matched column and kind, each a
 * range over an existing index (account, region, kind, name | source_uri), so a search costs a few
 * index probes even on a million entities. Prefixes compare byte-wise (case-sensitive), as ARNs and
 * S3 URIs are.
 */
import { LINEAGE_KINDS } from '../../core/model.js';
import type { EntitySearchQuery } from '../store.js';
import type { SqlQuery } from './listing.js';

/** The kinds a search finds: the lineage entities QueryLineage returns as vertices. */
const SEARCHABLE_KINDS = LINEAGE_KINDS;

/**
 * Above every character a prefix can be followed by: `prefix <= x < prefix + TOP` holds exactly
 * for the strings that start with `prefix` (U+10FFFF is the largest code point, and UTF-8 and
 * byte-wise comparison agree on code point order).
 */
const TOP = '\u{10FFFF}';

/**
 * How a backend compares a column byte-wise: SQLite's default BINARY collation already does;
 * PostgreSQL needs `COLLATE "C"` on columns created with the database's locale.
 */
export type BinaryColumn = (column: string) => string;

export function entitySearchSql(query: EntitySearchQuery, binary: BinaryColumn): SqlQuery[] {
  const { scope, text, limit } = query;
  if (text === '') return [];
  const statements: SqlQuery[] = [
    {
      sql: `SELECT * FROM entities WHERE ${binary('arn')} >= ? AND ${binary('arn')} < ? AND account = ? AND region = ? AND kind IN (${SEARCHABLE_KINDS.map(() => '?').join(', ')}) ORDER BY ${binary('arn')} LIMIT ?`,
      params: [text, text + TOP, scope.account, scope.region, ...SEARCHABLE_KINDS, limit],
    },
  ];
  for (const kind of SEARCHABLE_KINDS) {
    for (const column of kind === 'artifact' ? ['source_uri'] : ['name', 'source_uri']) {
      const c = binary(column);
      statements.push({
        sql: `SELECT * FROM entities WHERE account = ? AND region = ? AND kind = ? AND ${c} >= ? AND ${c} < ? ORDER BY ${c} LIMIT ?`,
        params: [scope.account, scope.region, kind, text, text + TOP, limit],
      });
    }
  }
  return statements;
}
