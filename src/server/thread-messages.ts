/**
 * What the socket thread and the application thread say to each other (threaded-server.ts and
 * app-thread.ts).
 *
 * - Each request and each response is its own message, sent at once: holding them back to send a
 *   turn's worth together measured slower (7,000 against 8,500 requests/s in the ingest benchmark),
 *   because the two threads then work in lockstep instead of overlapping.
 * - A request or response crosses as one string: a JSON head line, then the body. Structured
 *   cloning an object graph (headers, caller, a Uint8Array body) cost 1.3–2× the CPU of one
 *   string, which is copied whole (`npm run bench threads`); under the ingest benchmark the
 *   crossing was a sixth of the application thread's time.
 * - Bodies travel as latin1 text, one character per byte, so any bytes survive unchanged. A
 *   response body that is already a string is sent as it is.
 */
import type { Caller } from './auth.js';
import type { HttpRequest, HttpResponse } from './http-types.js';

/**
 * Who sent a request, as the socket thread's authenticator found: the caller, or the 4xx error to
 * answer if the route is not public. Verifying a signature costs more than the rest of the
 * protocol work, so it runs on the thread with time to spare, not beside the store.
 */
export type AuthOutcome =
  | { readonly caller: Caller }
  | { readonly error: { readonly code: string; readonly message: string; readonly statusCode: number } };

export interface RequestEnvelope {
  readonly id: number;
  readonly request: HttpRequest;
  readonly auth: AuthOutcome;
}

export interface ResponseEnvelope {
  readonly id: number;
  readonly response: HttpResponse;
}

/** A string is an encoded request ({@link encodeRequest}); the object asks the thread to close. */
export type ToAppThread = string | { readonly type: 'close' };

/** A string is an encoded response ({@link encodeResponse}); the objects are the thread's life cycle. */
export type FromAppThread =
  | string
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };

type RequestHead = [id: number, method: string, path: string, query: string | null, headers: HttpRequest['headers'], auth: AuthOutcome];
type ResponseHead = [id: number, status: number, headers: Record<string, string>, binary: 0 | 1];

/** Splits a message at its first newline: JSON never contains a raw one, so the body follows it. */
function split(message: string): { head: string; body: string } {
  const end = message.indexOf('\n');
  if (end < 0) throw new Error('A thread message without its head line.');
  return { head: message.slice(0, end), body: message.slice(end + 1) };
}

/**
 * Headers that only the socket thread reads: the signature (checked there) and the connection's
 * framing. They are most of a signed request's head (an SDK's Authorization alone is ~200 bytes),
 * and the head is parsed on the application thread, beside the store.
 */
const SOCKET_THREAD_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
]);

function applicationHeaders(headers: HttpRequest['headers']): HttpRequest['headers'] {
  const kept: Record<string, string | undefined> = {};
  for (const name in headers) if (!SOCKET_THREAD_HEADERS.has(name)) kept[name] = headers[name];
  return kept;
}

/** The request without the headers only the socket thread reads ({@link SOCKET_THREAD_HEADERS}). */
export function encodeRequest({ id, request, auth }: RequestEnvelope): string {
  const head: RequestHead = [id, request.method, request.path, request.query ?? null, applicationHeaders(request.headers), auth];
  return `${JSON.stringify(head)}\n${request.body.toString('latin1')}`;
}

export function decodeRequest(message: string): RequestEnvelope {
  const { head, body } = split(message);
  const [id, method, path, query, headers, auth] = JSON.parse(head) as RequestHead;
  const request: HttpRequest = { method, path, headers, body: Buffer.from(body, 'latin1'), ...(query === null ? {} : { query }) };
  return { id, request, auth };
}

export function encodeResponse({ id, response }: ResponseEnvelope): string {
  const binary = typeof response.body === 'string' ? 0 : 1;
  const head: ResponseHead = [id, response.status, response.headers, binary];
  const body = typeof response.body === 'string' ? response.body : response.body.toString('latin1');
  return `${JSON.stringify(head)}\n${body}`;
}

export function decodeResponse(message: string): ResponseEnvelope {
  const { head, body } = split(message);
  const [id, status, headers, binary] = JSON.parse(head) as ResponseHead;
  return { id, response: { status, headers, body: binary ? Buffer.from(body, 'latin1') : body } };
}
