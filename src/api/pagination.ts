/**
 * NextTokens for every List operation. A token carries the keyset cursor (the last row's sort value
 * and id) and a fingerprint of the request it belongs to: the operation, its filters and its sort.
 * Reusing a token with other filters is refused instead of silently returning a wrong page.
 * Tokens are opaque to clients; their format may change between Stemma versions.
 */
import { createHash } from 'node:crypto';
import { ValidationException } from '../core/errors.js';
import type { Cursor } from '../storage/store.js';

interface TokenBody {
  readonly f: string;
  readonly v: string | number;
  readonly i: string | number;
}

/** Any List request: the wire shapes are interfaces without index signatures, hence `object`. */
export type ListRequest = object & { readonly NextToken?: string; readonly MaxResults?: number };

function fingerprint(operation: string, request: ListRequest): string {
  const fields = request as Readonly<Record<string, unknown>>;
  const bound: Record<string, unknown> = {};
  for (const key of Object.keys(fields).sort()) {
    if (key === 'NextToken' || key === 'MaxResults') continue;
    bound[key] = fields[key];
  }
  return createHash('sha256').update(operation).update(JSON.stringify(bound)).digest('base64url').slice(0, 16);
}

export function encodeNextToken(operation: string, request: ListRequest, cursor: Cursor): string {
  const body: TokenBody = { f: fingerprint(operation, request), v: cursor.value, i: cursor.id };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeNextToken(
  operation: string,
  request: ListRequest,
  token: string,
): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationException(`Invalid NextToken '${token.slice(0, 64)}': it was not issued by this service.`);
  }
  // Any JSON decodes, `null` and `7` included; only an object can be one of ours.
  if (parsed === null || typeof parsed !== 'object') {
    throw new ValidationException(`Invalid NextToken '${token.slice(0, 64)}': it was not issued by this service.`);
  }
  const body = parsed as Partial<TokenBody>;
  const valueOk = typeof body.v === 'string' || typeof body.v === 'number';
  const idOk = typeof body.i === 'string' || typeof body.i === 'number';
  if (typeof body.f !== 'string' || !valueOk || !idOk) {
    throw new ValidationException(`Invalid NextToken '${token.slice(0, 64)}': it was not issued by this service.`);
  }
  if (body.f !== fingerprint(operation, request)) {
    throw new ValidationException(
      `The NextToken does not belong to this request: it was issued for ${operation} with other filters or sort ` +
        'options. Repeat the request that returned it, changing only NextToken and MaxResults.',
    );
  }
  return { value: body.v, id: body.i };
}

export const DEFAULT_MAX_RESULTS = 10;

/**
 * Reads one page: asks the store for one row more than the page size to learn whether another page
 * exists, and returns the token for it.
 */
export async function readPage<T>(
  operation: string,
  request: ListRequest,
  fetch: (after: Cursor | undefined, limit: number) => Promise<T[]>,
  cursorOf: (row: T) => Cursor,
  defaultPageSize = DEFAULT_MAX_RESULTS,
): Promise<{ items: T[]; nextToken?: string }> {
  const pageSize = request.MaxResults ?? defaultPageSize;
  const after = request.NextToken ? decodeNextToken(operation, request, request.NextToken) : undefined;
  const rows = await fetch(after, pageSize + 1);
  if (rows.length <= pageSize) return { items: rows };
  const items = rows.slice(0, pageSize);
  return { items, nextToken: encodeNextToken(operation, request, cursorOf(items[items.length - 1] as T)) };
}
