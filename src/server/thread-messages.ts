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
 * - A caller crosses whole once; after that its requests carry its number ({@link CallerNumbers},
 *   {@link KnownCallers}). A caller was most of a request's head, which the application thread
 *   parses on every request.
 */
import type { Caller } from './auth.js';
import { frozenCaller } from './auth.js';
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

/**
 * How a request's head names its {@link AuthOutcome}: the number of a caller sent before, a new
 * caller with the number it will go by, or the outcome itself (errors, and callers once the table
 * is full).
 */
type AuthRef = number | [number, Caller] | AuthOutcome;
type RequestHead = [id: number, method: string, path: string, query: string | null, headers: HttpRequest['headers'], auth: AuthRef];
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

/** Distinct callers numbered on one connection between the threads; later ones cross whole. */
const MAX_CALLERS = 1024;

/** The socket thread's side of the callers table: numbers the callers it has sent. */
export class CallerNumbers {
  private readonly numbers = new Map<string, number>();
  /**
   * The same frozen caller object again (authenticators keep theirs) is found without serializing
   * it; one that can change is always looked up by what it holds now.
   */
  private readonly byObject = new WeakMap<Caller, number>();

  refOf(auth: AuthOutcome): AuthRef {
    if (!('caller' in auth)) return auth;
    const { caller } = auth;
    const frozen = Object.isFrozen(caller);
    const seen = frozen ? this.byObject.get(caller) : undefined;
    if (seen !== undefined) return seen;
    const key = JSON.stringify(caller);
    let number = this.numbers.get(key);
    const isNew = number === undefined;
    if (number === undefined) {
      if (this.numbers.size >= MAX_CALLERS) return auth;
      number = this.numbers.size;
      this.numbers.set(key, number);
    }
    if (frozen) this.byObject.set(caller, number);
    return isNew ? [number, caller] : number;
  }
}

/**
 * The application thread's side: the callers by number. One caller object serves all of its
 * requests, so it is frozen: nothing may change what another request sees.
 */
export class KnownCallers {
  private readonly outcomes: AuthOutcome[] = [];

  outcomeOf(ref: AuthRef): AuthOutcome {
    if (typeof ref === 'number') {
      const known = this.outcomes[ref];
      if (!known) throw new Error(`A thread message names caller ${ref} before it was sent.`);
      return known;
    }
    if (!Array.isArray(ref)) return ref;
    const [number, caller] = ref;
    const outcome = Object.freeze({ caller: frozenCaller(caller.scope, caller.user) });
    this.outcomes[number] = outcome;
    return outcome;
  }
}

/** The request without the headers only the socket thread reads ({@link SOCKET_THREAD_HEADERS}). */
export function encodeRequest({ id, request, auth }: RequestEnvelope, callers: CallerNumbers): string {
  const head: RequestHead = [id, request.method, request.path, request.query ?? null, applicationHeaders(request.headers), callers.refOf(auth)];
  return `${JSON.stringify(head)}\n${request.body.toString('latin1')}`;
}

/** Decodes the requests of one {@link encodeRequest} side, in the order it encoded them. */
export function decodeRequest(message: string, callers: KnownCallers): RequestEnvelope {
  const { head, body } = split(message);
  const [id, method, path, query, headers, ref] = JSON.parse(head) as RequestHead;
  const request: HttpRequest = { method, path, headers, body: Buffer.from(body, 'latin1'), ...(query === null ? {} : { query }) };
  return { id, request, auth: callers.outcomeOf(ref) };
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
