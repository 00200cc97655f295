/**
 * The few spellings in which SQLite and PostgreSQL truly differ, for the shared SQL builders
 * (search.ts). Everything else the shared SQL says in a form both accept: `CAST(? AS BIGINT)`
 * rather than `?::bigint`, `CASE` rather than the scalar `max()`/`GREATEST`, and typed `NULL`s
 * where PostgreSQL would otherwise have to guess a column's type.
 */
export interface SqlDialect {
  /** A boolean expression: the text `haystack` contains the text `needle` (both SQL expressions). */
  contains(haystack: string, needle: string): string;
}

export const SQLITE_DIALECT: SqlDialect = {
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
};

export const POSTGRES_DIALECT: SqlDialect = {
  contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
};
