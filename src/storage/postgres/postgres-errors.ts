import { UniqueViolation } from '../store.js';

/** The fields of a PostgreSQL error that the store looks at (pg's DatabaseError carries them). */
interface PostgresError {
  code: string;
  constraint?: string;
  message: string;
}

function isPostgresError(e: unknown): e is PostgresError {
  return e instanceof Error && typeof (e as Partial<PostgresError>).code === 'string';
}

/** SQLSTATEs after which running the whole transaction again can succeed. */
const RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Whether a failed transaction lost a race with another one and may simply be run again. */
export function isRetryable(e: unknown): boolean {
  return isPostgresError(e) && RETRYABLE.has(e.code);
}

/** Turns a driver error into the store's own vocabulary; anything unrecognised passes through. */
export function translatePostgresError(e: unknown): unknown {
  if (isPostgresError(e) && e.code === '23505') {
    return new UniqueViolation(e.constraint ?? 'unique', { cause: e });
  }
  return e;
}
