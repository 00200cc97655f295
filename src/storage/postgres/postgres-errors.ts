import { ValidationException } from '../../core/errors.js';
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

/**
 * What PostgreSQL says when a text value holds U+0000, which it cannot store in `text` (22021,
 * "invalid byte sequence … 0x00") or `jsonb` (22P05, "unsupported Unicode escape sequence").
 * Strings from JavaScript are otherwise always valid UTF-8, so these mean NUL and nothing else.
 */
const NUL_CHARACTER = new Set(['22021', '22P05']);

/** Turns a driver error into the store's own vocabulary; anything unrecognised passes through. */
export function translatePostgresError(e: unknown): unknown {
  if (!isPostgresError(e)) return e;
  if (e.code === '23505') return new UniqueViolation(e.constraint ?? 'unique', { cause: e });
  // Bad input, not a fault of the server: a 400 rather than a 500.
  if (NUL_CHARACTER.has(e.code)) {
    return new ValidationException(
      '1 validation error detected: a value contains the NUL character (U+0000), which the PostgreSQL store cannot keep.',
    );
  }
  return e;
}
