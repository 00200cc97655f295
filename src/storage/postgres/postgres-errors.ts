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

/**
 * A value PostgreSQL could not take as its column's type (22P02, e.g. text for a bigint) or that
 * is beyond it (22003). The shared SQL keeps client values in range (listing.ts), so these are a
 * last line of defence: bad input must be a 400, never a 500.
 */
const BAD_VALUE = new Set(['22P02', '22003']);

/**
 * program_limit_exceeded: in practice a B-tree entry over PostgreSQL's ~2.7 kB limit, which a long
 * incompressible text leaf of the search projection (a Description, a parameter's StringValue) can
 * reach. The request is refused whole, as a 400 naming the cause, rather than failing as a 500.
 */
const TOO_LONG_TO_INDEX = '54000';

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
  if (e.code === TOO_LONG_TO_INDEX) {
    return new ValidationException(
      '1 validation error detected: a text value is too long for the PostgreSQL store to index for Search ' +
        '(about 2,700 bytes after compression); shorten it.',
    );
  }
  if (BAD_VALUE.has(e.code)) {
    return new ValidationException('1 validation error detected: a value is out of range or not of the expected type.');
  }
  return e;
}
