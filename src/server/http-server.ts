/**
 * Stemma's HTTP/1.1 server: `node:net` sockets, requests parsed by http-parser-js, responses
 * written in one piece. Every request and response of Stemma is whole in memory (bodies are
 * bounded, nothing streams), so the stream objects `node:http` builds for each request
 * (IncomingMessage, ServerResponse and their events) do no work here, yet cost the socket thread
 * CPU on every request, CPU that the clients and the application thread share on a small machine.
 *
 * What it keeps of `node:http`'s behaviour: keep-alive (HTTP/1.1 by default, HTTP/1.0 on request),
 * pipelined requests answered in order, chunked request bodies, `Expect: 100-continue`, HEAD,
 * a Date header, 400 for malformed requests, 431 for oversized heads, an idle timeout and a
 * deadline for a request's head (against clients that trickle bytes to hold connections open).
 * Refusals are AWS JSON errors ({@link MalformedHttpRequest}), like every other answer.
 */
import { STATUS_CODES } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import { MalformedHttpRequest, RequestEntityTooLarge } from '../core/errors.js';
import { requestId } from '../core/ids.js';
import { errorResponse } from './aws-json.js';
import type { HttpRequest, HttpResponse, RequestHandler } from './http-types.js';

/** SageMaker's largest request bodies (pipeline definitions) are well under this. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** A request's line and headers (`node:http`'s default). */
export const MAX_HEAD_BYTES = 16 * 1024;
/**
 * How long a connection may take. Checked by one sweep every few seconds rather than a timer per
 * request, as `node:http` does: arming and clearing a timer per request cost more than parsing it.
 */
export interface ConnectionLimits {
  /** An idle keep-alive connection is closed after this (longer than the SDKs' own idle limits). */
  readonly keepAliveMs: number;
  /** A request's head must arrive within this once its first byte has (clients that trickle bytes to hold connections). */
  readonly headMs: number;
  /** A whole request, body included, must arrive within this. */
  readonly requestMs: number;
  /** How often connections are checked against the limits. */
  readonly sweepMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = { keepAliveMs: 65_000, headMs: 60_000, requestMs: 300_000, sweepMs: 5_000 };
/** Requests parsed but not yet answered on one connection before it stops reading. */
const MAX_QUEUED = 16;

export interface ListeningServer {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Head {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly keepAlive: boolean;
}

interface Queued {
  readonly request: HttpRequest;
  readonly keepAlive: boolean;
  /** The body went over {@link MAX_BODY_BYTES}: answered with 413 without calling the handler. */
  readonly tooLarge: boolean;
}

/** The Date header, formatted once a second as `node:http` does. */
let dateSecond = 0;
let dateValue = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}

const HEADER_VALUE_UNSAFE = /[\r\n]/;

/** The response's head and body as one buffer, so it leaves in one write. */
function serialize(response: HttpResponse, method: string, keepAlive: boolean): Buffer {
  const noBody = response.status === 204 || response.status === 304;
  let head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Unknown'}\r\n`;
  for (const name in response.headers) {
    const value = response.headers[name] as string;
    // A line break would let a value forge headers; every header is ours, so this is a bug.
    if (HEADER_VALUE_UNSAFE.test(value) || HEADER_VALUE_UNSAFE.test(name)) throw new Error(`The response header ${JSON.stringify(name)} holds a line break.`);
    head += `${name}: ${value}\r\n`;
  }
  const body = noBody ? '' : response.body;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (!noBody) head += `content-length: ${length}\r\n`;
  head += `date: ${httpDate()}\r\nconnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
  if (method === 'HEAD' || length === 0) return Buffer.from(head, 'latin1');
  if (typeof body === 'string') {
    const headBytes = head.length;
    const out = Buffer.allocUnsafe(headBytes + length);
    out.write(head, 0, 'latin1');
    out.write(body, headBytes, 'utf8');
    return out;
  }
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Lower-cased names; a repeated header's values are joined with ", " (RFC 9110 §5.3). The record
 * has no prototype, so a header named `__proto__` or `constructor` is a header like any other.
 */
function headerRecord(raw: readonly string[]): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}

const DIGITS = /^\d+$/;

function headTooLarge(): MalformedHttpRequest {
  return new MalformedHttpRequest(`The request line and headers exceed ${MAX_HEAD_BYTES} bytes.`, 431);
}

/**
 * The refusal for what stopped the parser: our own checks throw a {@link MalformedHttpRequest}
 * from its callbacks; the parser's own errors carry an llhttp-style code or a short reason.
 */
function refusalOf(e: Error): MalformedHttpRequest {
  if (e instanceof MalformedHttpRequest) return e;
  if (e.message === 'max header size exceeded') return headTooLarge();
  const code = (e as { code?: unknown }).code;
  const reason = typeof code === 'string' ? code : e.message;
  return new MalformedHttpRequest(`The request is not valid HTTP/1.1 (${reason.slice(0, 64)}).`);
}

/** One client connection: parses its requests, answers them one at a time and in order. */
class Connection {
  private readonly parser = new HTTPParser(HTTPParser.REQUEST);
  private readonly queue: Queued[] = [];
  private head: Head | undefined;
  private chunks: Buffer[] = [];
  private bodyBytes = 0;
  private answering = false;
  /** No further request is read: the last one asked to close, or the protocol broke. */
  private closing = false;
  /** When the first byte of the request being read arrived; undefined between requests. */
  private requestSince: number | undefined;
  /** When the connection last read or answered. */
  private lastActive = Date.now();
  /** The client closed its side; the connection ends once the requests read are answered. */
  private peerEnded = false;
  /** The error a malformed request is refused with, once the requests before it are answered. */
  private refusal: MalformedHttpRequest | undefined;

  private readonly socket: Socket;
  private readonly handler: RequestHandler;

  constructor(socket: Socket, handler: RequestHandler) {
    this.socket = socket;
    this.handler = handler;
  }

  start(): void {
    const { socket } = this;
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => this.onHead(info);
    this.parser[HTTPParser.kOnBody] = (chunk) => this.onBody(chunk);
    this.parser[HTTPParser.kOnMessageComplete] = () => this.onMessage();
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('error', () => socket.destroy());
    // The server is half-open: a client that sends its requests and then shuts its side down
    // still gets every answer before the connection closes.
    socket.on('end', () => {
      this.peerEnded = true;
      if (!this.answering) this.finish();
    });
  }

  /** Closes the connection if it has gone past one of the limits. */
  sweep(now: number, limits: ConnectionLimits): void {
    const since = this.requestSince;
    const overdue =
      since !== undefined
        ? now - since > (this.head ? limits.requestMs : limits.headMs)
        : !this.answering && this.queue.length === 0 && now - this.lastActive > limits.keepAliveMs;
    if (overdue) this.socket.destroy();
  }

  private onData(data: Buffer): void {
    if (this.closing) return;
    this.lastActive = Date.now();
    this.requestSince ??= this.lastActive;
    let result: number | Error;
    // The parser resets its limit to the library's default (80 KiB) after each request.
    this.parser.maxHeaderSize = MAX_HEAD_BYTES;
    try {
      result = this.parser.execute(data);
    } catch (e) {
      // Only our callbacks throw out of execute(); the parser's own errors are returned.
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (result instanceof Error) this.fail(refusalOf(result));
  }

  private onHead(info: { method: number; url: string; headers: string[]; shouldKeepAlive: boolean; upgrade: boolean }): void {
    // The parser checks its limit only on a head still incomplete when a read ends; a head that
    // arrives whole is measured here (its text less the spaces and line ends).
    let size = info.url.length;
    for (const part of info.headers) size += part.length;
    if (size > MAX_HEAD_BYTES) throw headTooLarge();
    const headers = headerRecord(info.headers);
    const length = headers['content-length'];
    const encoding = headers['transfer-encoding'];
    // Stricter than the parser: a body's length must be unambiguous (no request smuggling).
    if (length !== undefined && encoding !== undefined) {
      throw new MalformedHttpRequest('The request has both Content-Length and Transfer-Encoding; send one of them.');
    }
    if (length !== undefined && !DIGITS.test(length)) throw new MalformedHttpRequest(`Content-Length ${JSON.stringify(length.slice(0, 64))} is not a number of bytes.`);
    if (encoding !== undefined && encoding.toLowerCase() !== 'chunked') {
      throw new MalformedHttpRequest(`Transfer-Encoding ${JSON.stringify(encoding.slice(0, 64))} is not supported; send chunked or a Content-Length.`);
    }
    if (info.upgrade) throw new MalformedHttpRequest('Protocol upgrades are not supported.');
    const method = HTTPParser.methods[info.method] ?? 'GET';
    this.head = { method, url: info.url, headers, keepAlive: info.shouldKeepAlive };
    this.chunks = [];
    this.bodyBytes = 0;
    const announced = length === undefined ? 0 : Number(length);
    if (headers.expect?.toLowerCase() === '100-continue' && announced <= MAX_BODY_BYTES) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
  }

  private onBody(chunk: Buffer): void {
    this.bodyBytes += chunk.length;
    // Past the limit the rest is read and dropped, so the client gets its 413 instead of a reset.
    if (this.bodyBytes <= MAX_BODY_BYTES) this.chunks.push(chunk);
  }

  private onMessage(): void {
    const head = this.head;
    if (!head) return;
    this.head = undefined;
    this.requestSince = undefined;
    const q = head.url.indexOf('?');
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = [];
    const request: HttpRequest = {
      method: head.method,
      path: q < 0 ? head.url : head.url.slice(0, q),
      ...(q < 0 ? {} : { query: head.url.slice(q + 1) }),
      headers: head.headers,
      body,
    };
    this.queue.push({ request, keepAlive: head.keepAlive, tooLarge: this.bodyBytes > MAX_BODY_BYTES });
    if (!head.keepAlive) this.closing = true;
    if (this.queue.length >= MAX_QUEUED) this.socket.pause();
    if (!this.answering) void this.answerQueued();
  }

  private async answerQueued(): Promise<void> {
    this.answering = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (this.socket.isPaused() && this.queue.length < MAX_QUEUED && !this.closing) this.socket.resume();
        const response = next.tooLarge
          ? errorResponse(new RequestEntityTooLarge(`The request body exceeds ${MAX_BODY_BYTES} bytes.`), requestId())
          : await this.handler(next.request);
        if (this.socket.destroyed) return;
        this.lastActive = Date.now();
        const written = this.socket.write(serialize(response, next.request.method, next.keepAlive));
        if (!next.keepAlive) {
          this.socket.end();
          return;
        }
        // A client that sends without reading gets no more answers buffered for it until it reads.
        if (!written) await new Promise((resolve) => this.socket.once('drain', resolve));
      }
    } catch {
      // The handler never throws (it answers every failure); this is a fault of the connection.
      this.socket.destroy();
    } finally {
      this.answering = false;
    }
    this.finish();
  }

  /** Refuses the request being parsed: answered after those before it, then the connection closes. */
  private fail(refusal: MalformedHttpRequest): void {
    this.closing = true;
    this.head = undefined;
    this.refusal = refusal;
    if (!this.answering) this.finish();
  }

  /** Called when no request is being answered: refuses a malformed one, or ends a connection the client ended. */
  private finish(): void {
    if (this.socket.destroyed) return;
    if (this.refusal) this.socket.end(serialize(errorResponse(this.refusal, requestId()), 'POST', false));
    else if (this.peerEnded) this.socket.end();
  }
}

export function listen(handler: RequestHandler, port: number, host: string, limits: ConnectionLimits = DEFAULT_LIMITS): Promise<ListeningServer> {
  const connections = new Map<Socket, Connection>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const connection = new Connection(socket, handler);
    connections.set(socket, connection);
    socket.on('close', () => connections.delete(socket));
    connection.start();
  });
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const connection of connections.values()) connection.sweep(now, limits);
  }, limits.sweepMs).unref();
  server.on('close', () => clearInterval(sweep));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        port: address.port,
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of connections.keys()) socket.destroy();
          }),
      });
    });
  });
}
