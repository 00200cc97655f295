import { UniqueViolation } from '../store.js';

interface SqliteError {
  code: string;
  message: string;
}

function isSqliteError(e: unknown): e is SqliteError {
  return e instanceof Error && typeof (e as Partial<SqliteError>).code === 'string';
}

/** Turns a driver error into the store's own vocabulary; anything unrecognised passes through. */
export function translateSqliteError(e: unknown): unknown {
  if (isSqliteError(e) && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
    // better-sqlite3 reports e.g. "UNIQUE constraint failed: entities.arn".
    const constraint = e.message.replace(/^.*constraint failed: /, '');
    return new UniqueViolation(constraint, { cause: e });
  }
  return e;
}
