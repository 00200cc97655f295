/**
 * The few spellings in which SQLite and PostgreSQL truly differ, for the shared SQL builders
 * (search.ts). Everything else the shared SQL says in a form both accept: `CAST(? AS BIGINT)`
 * rather than `?::bigint`, `CASE` rather than the scalar `max()`/`GREATEST`, and typed `NULL`s
 * where PostgreSQL would otherwise have to guess a column's type.
 */
export interface SqlDialect {
  /** A boolean expression: the text `haystack` contains the text `needle` (both SQL expressions). */
  contains(haystack: string, needle: string): string;
  /**
   * Appended to the body of the condition's `EXISTS` probes to keep them per-document lookups. The
   * engine checks each document it meets through the primary key (doc_id, path, elem); PostgreSQL
   * would otherwise turn a probe into a semi-join over every value of the path (a scan of the
   * whole table, since the probe does not name the space) before the walk's LIMIT can stop early.
   * An `OFFSET` keeps PostgreSQL from pulling the subquery up; SQLite always runs them per row.
   */
  readonly probeFence: string;
}

export const SQLITE_DIALECT: SqlDialect = {
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  probeFence: '',
};

export const POSTGRES_DIALECT: SqlDialect = {
  contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
  probeFence: ' OFFSET 0',
};
