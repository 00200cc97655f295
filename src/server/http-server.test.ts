import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse, RequestHandler } from './http-types.js';
import type { ConnectionLimits, ListeningServer } from './http-server.js';
import { DEFAULT_LIMITS, listen, MAX_BODY_BYTES, MAX_HEAD_BYTES } from './http-server.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A raw client connection: writes bytes, reads answers with a response parser, sees the close. */
class RawClient {
  readonly answers: Answer[] = [];
  closed = false;
  private readonly socket: Socket;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  private waiters: (() => void)[] = [];
  private current: { status: number; headers: Record<string, string>; body: Buffer[] } | undefined;

  constructor(port: number, headRequests: readonly boolean[] = []) {
    const heads = [...headRequests];
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < info.headers.length; i += 2) headers[(info.headers[i] as string).toLowerCase()] = info.headers[i + 1] as string;
      this.current = { status: info.statusCode, headers, body: [] };
      // A HEAD answer has a length but no body; 1xx answers come before the real one.
      return info.statusCode >= 200 && heads.shift() === true ? 1 : 0;
    };
    this.parser[HTTPParser.kOnBody] = (chunk) => this.current?.body.push(Buffer.from(chunk));
    this.parser[HTTPParser.kOnMessageComplete] = () => {
      const c = this.current;
      if (c) this.answers.push({ status: c.status, headers: c.headers, body: Buffer.concat(c.body).toString() });
      this.wake();
    };
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (data) => this.parser.execute(data));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one byte at a time, each in its own write. */
  async trickle(data: string): Promise<void> {
    for (const byte of data) {
      this.socket.write(byte);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  endWriting(): void {
    this.socket.end();
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  untilAnswers(n: number): Promise<void> {
    return this.until(() => this.answers.length >= n || this.closed);
  }

  untilClosed(): Promise<void> {
    return this.until(() => this.closed);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

const post = (path: string, body: string, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** Echoes the request back as JSON, after `delay` ms when the path asks for one (`/slow/<ms>`). */
const echo: RequestHandler = async (request: HttpRequest): Promise<HttpResponse> => {
  const delay = /^\/slow\/(\d+)$/.exec(request.path)?.[1];
  if (delay) await new Promise((resolve) => setTimeout(resolve, Number(delay)));
  const body = JSON.stringify({ method: request.method, path: request.path, query: request.query ?? null, headers: request.headers, body: request.body.toString() });
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
};

let running: ListeningServer[] = [];
const clients: RawClient[] = [];

async function serve(handler: RequestHandler = echo, limits: ConnectionLimits = DEFAULT_LIMITS): Promise<ListeningServer> {
  const server = await listen(handler, 0, '127.0.0.1', limits);
  running.push(server);
  return server;
}

function client(server: ListeningServer, headRequests?: readonly boolean[]): RawClient {
  const c = new RawClient(server.port, headRequests);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(running.map((s) => s.close()));
  running = [];
});

const echoed = (answer: Answer | undefined): { method: string; path: string; query: string | null; headers: Record<string, string>; body: string } =>
  JSON.parse(answer?.body ?? 'null') as never;

/** A refusal's status, AWS error code and message, as a client's SDK would read them. */
const refusal = (answer: Answer | undefined): [number | undefined, string, string] => {
  const error = JSON.parse(answer?.body ?? '{}') as { __type?: string; message?: string };
  return [answer?.status, error.__type ?? '', error.message ?? ''];
};

describe('the HTTP server', () => {
  it('answers several requests on one keep-alive connection, with a length, a date and the connection state', async () => {
    const c = client(await serve());
    c.send(post('/a?x=1', 'one'));
    await c.untilAnswers(1);
    c.send(post('/b', 'two'));
    await c.untilAnswers(2);
    expect(c.closed).toBe(false);
    expect(c.answers.map((a) => a.status)).toEqual([200, 200]);
    expect(echoed(c.answers[0])).toMatchObject({ method: 'POST', path: '/a', query: 'x=1', body: 'one' });
    expect(echoed(c.answers[1])).toMatchObject({ path: '/b', query: null, body: 'two' });
    const headers = c.answers[0]?.headers ?? {};
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(c.answers[0]?.body ?? ''));
    expect(headers.connection).toBe('keep-alive');
    expect(Date.parse(headers.date ?? '')).not.toBeNaN();
  });

  it('lower-cases header names and joins a repeated header with commas', async () => {
    const c = client(await serve());
    c.send(post('/', '', 'X-Thing: a\r\nx-thing: b\r\n'));
    await c.untilAnswers(1);
    expect(echoed(c.answers[0]).headers['x-thing']).toBe('a, b');
  });

  it('takes headers named like object properties as plain headers', async () => {
    const c = client(await serve());
    c.send(post('/', '', '__proto__: p\r\nconstructor: c\r\n'));
    await c.untilAnswers(1);
    expect(echoed(c.answers[0]).headers).toMatchObject({ ['__proto__']: 'p', constructor: 'c' });
  });

  it('answers pipelined requests in the order they were sent, however long each takes', async () => {
    const c = client(await serve());
    c.send(post('/slow/30', '1') + post('/slow/1', '2') + post('/', '3'));
    await c.untilAnswers(3);
    expect(c.answers.map((a) => echoed(a).body)).toEqual(['1', '2', '3']);
  });

  it('answers more pipelined requests than it queues, pausing and resuming its reading without losing one', async () => {
    const c = client(await serve());
    const requests = Array.from({ length: 40 }, (_, i) => post(i === 0 ? '/slow/50' : '/', String(i)));
    // The first twenty fill the queue behind a slow answer; the rest arrive while reading is paused.
    c.send(requests.slice(0, 20).join(''));
    await new Promise((resolve) => setTimeout(resolve, 20));
    c.send(requests.slice(20).join(''));
    await c.untilAnswers(40);
    expect(c.answers.map((a) => echoed(a).body)).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });

  it('reads a request that arrives one byte at a time', async () => {
    const c = client(await serve());
    await c.trickle(post('/t', 'body'));
    await c.untilAnswers(1);
    expect(echoed(c.answers[0])).toMatchObject({ path: '/t', body: 'body' });
  });

  it('reads a chunked request body', async () => {
    const c = client(await serve());
    c.send('POST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    await c.untilAnswers(1);
    expect(echoed(c.answers[0]).body).toBe('hello world');
  });

  it('sends 100 Continue to a client that expects it, then the answer', async () => {
    const c = client(await serve());
    c.send('POST /e HTTP/1.1\r\nhost: x\r\ncontent-length: 4\r\nexpect: 100-continue\r\n\r\n');
    await c.untilAnswers(1);
    expect(c.answers[0]?.status).toBe(100);
    c.send('data');
    await c.untilAnswers(2);
    expect(echoed(c.answers[1]).body).toBe('data');
  });

  it('answers HEAD with the length of the body it leaves out', async () => {
    const c = client(await serve(() => Promise.resolve({ status: 200, headers: {}, body: 'twelve bytes' })), [true, false]);
    c.send('HEAD / HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await c.untilAnswers(2);
    expect(c.answers[0]).toMatchObject({ status: 200, body: '' });
    expect(c.answers[0]?.headers['content-length']).toBe('12');
    expect(c.answers[1]?.body).toBe('twelve bytes');
  });

  it('sends no body and no length with 304 Not Modified', async () => {
    const c = client(await serve(() => Promise.resolve({ status: 304, headers: { etag: '"x"' }, body: 'ignored' })));
    c.send('GET / HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await c.untilAnswers(2);
    expect(c.answers.map((a) => [a.status, a.body, a.headers['content-length']])).toEqual([
      [304, '', undefined],
      [304, '', undefined],
    ]);
  });

  it('closes after answering HTTP/1.0 without keep-alive, and HTTP/1.1 asking to close', async () => {
    const server = await serve();
    const old = client(server);
    old.send('GET /old HTTP/1.0\r\n\r\n');
    await old.untilClosed();
    expect(old.answers.map((a) => [a.status, a.headers.connection])).toEqual([[200, 'close']]);
    const closing = client(server);
    closing.send(`${post('/one', 'x', 'connection: close\r\n')}${post('/ignored', 'y')}`);
    await closing.untilClosed();
    expect(closing.answers.map((a) => echoed(a).path)).toEqual(['/one']);
  });

  it('keeps an HTTP/1.0 connection that asks for keep-alive', async () => {
    const c = client(await serve());
    c.send('GET /1 HTTP/1.0\r\nconnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\nconnection: keep-alive\r\n\r\n');
    await c.untilAnswers(2);
    expect(c.closed).toBe(false);
    expect(c.answers.map((a) => echoed(a).path)).toEqual(['/1', '/2']);
  });

  it('answers a malformed request with 400 and closes, after answering the requests before it', async () => {
    const c = client(await serve());
    c.send(`${post('/first', 'ok')}NOT HTTP AT ALL\r\n\r\n`);
    await c.untilClosed();
    expect(c.answers[0]?.status).toBe(200);
    expect(refusal(c.answers[1])).toEqual([400, 'BadRequestException', 'The request is not valid HTTP/1.1 (HPE_INVALID_CONSTANT).']);
    expect(c.answers[1]?.headers.connection).toBe('close');
  });

  it.each([
    [
      'a length and a chunked encoding together',
      'POST / HTTP/1.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
      'The request has both Content-Length and Transfer-Encoding; send one of them.',
    ],
    ['a length that is not a number', 'POST / HTTP/1.1\r\ncontent-length: 3x\r\n\r\nabc', 'Content-Length "3x" is not a number of bytes.'],
    [
      'an encoding other than chunked',
      'POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\nabc',
      'Transfer-Encoding "gzip" is not supported; send chunked or a Content-Length.',
    ],
    [
      'two different lengths',
      'POST / HTTP/1.1\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\nabcd',
      'The request is not valid HTTP/1.1 (HPE_UNEXPECTED_CONTENT_LENGTH).',
    ],
    ['a protocol upgrade', 'GET / HTTP/1.1\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n', 'Protocol upgrades are not supported.'],
  ])('refuses %s with a 400 BadRequestException that says why, without calling the handler', async (_, raw, message) => {
    let called = 0;
    const c = client(
      await serve((r) => {
        called++;
        return echo(r);
      }),
    );
    c.send(raw);
    await c.untilClosed();
    expect(c.answers.map(refusal)).toEqual([[400, 'BadRequestException', message]]);
    expect(called).toBe(0);
  });

  it(`refuses a head over ${MAX_HEAD_BYTES} bytes with 431`, async () => {
    const c = client(await serve());
    c.send(`GET / HTTP/1.1\r\nx-big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`);
    await c.untilClosed();
    expect(c.answers.map(refusal)).toEqual([[431, 'BadRequestException', `The request line and headers exceed ${MAX_HEAD_BYTES} bytes.`]]);
  });

  it('applies the head limit to every request of a connection, not just the first', async () => {
    const c = client(await serve());
    c.send(post('/', 'first'));
    await c.untilAnswers(1);
    c.send(`GET / HTTP/1.1\r\nx-big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`);
    await c.untilClosed();
    expect(c.answers.map((a) => a.status)).toEqual([200, 431]);
    expect(refusal(c.answers[1])[2]).toBe(`The request line and headers exceed ${MAX_HEAD_BYTES} bytes.`);
  });

  it('refuses a head that grows past the limit before it ends, on any request of a connection', async () => {
    const c = client(await serve());
    c.send(post('/', 'first'));
    await c.untilAnswers(1);
    // No end of the head is ever sent: the server must not keep buffering it.
    c.send(`GET / HTTP/1.1\r\nx-big: ${'a'.repeat(2 * MAX_HEAD_BYTES)}`);
    await c.untilClosed();
    expect(c.answers.map((a) => a.status)).toEqual([200, 431]);
    expect(refusal(c.answers[1])[2]).toBe(`The request line and headers exceed ${MAX_HEAD_BYTES} bytes.`);
  });

  it(`reads and drops a body over ${MAX_BODY_BYTES} bytes, answers 413 and keeps the connection`, async () => {
    let called = 0;
    const c = client(
      await serve((r) => {
        called++;
        return echo(r);
      }),
    );
    const size = MAX_BODY_BYTES + 1;
    c.send(`POST / HTTP/1.1\r\ncontent-length: ${size}\r\n\r\n`);
    c.send(Buffer.alloc(size, 'x'));
    await c.untilAnswers(1);
    expect(c.answers[0]?.status).toBe(413);
    expect(JSON.parse(c.answers[0]?.body ?? '{}')).toMatchObject({ __type: 'RequestEntityTooLargeException' });
    c.send(post('/after', 'small'));
    await c.untilAnswers(2);
    expect(echoed(c.answers[1]).path).toBe('/after');
    expect(called).toBe(1);
  });

  it('answers every request of a client that shuts down its sending side, then closes', async () => {
    const c = client(await serve());
    c.send(post('/slow/20', 'a') + post('/', 'b'));
    c.endWriting();
    await c.untilClosed();
    expect(c.answers.map((a) => echoed(a).body)).toEqual(['a', 'b']);
  });

  it('closes a connection whose handler answers with a header holding a line break, sending nothing', async () => {
    const c = client(await serve(() => Promise.resolve({ status: 200, headers: { 'x-bad': 'a\r\nset-cookie: forged=1' }, body: 'x' })));
    c.send(post('/', ''));
    await c.untilClosed();
    expect(c.answers).toEqual([]);
  });

  it('closes idle connections after the keep-alive limit and stalled heads after the head limit', async () => {
    const limits: ConnectionLimits = { keepAliveMs: 150, headMs: 150, requestMs: 10_000, sweepMs: 20 };
    const server = await serve(echo, limits);
    const idle = client(server);
    idle.send(post('/', 'x'));
    await idle.untilAnswers(1);
    const stalled = client(server);
    stalled.send('GET / HTTP/1.1\r\nhost');
    const busy = client(server);
    busy.send(post('/slow/400', 'y'));
    await Promise.all([idle.untilClosed(), stalled.untilClosed()]);
    expect(stalled.answers).toEqual([]);
    // A request being answered is not idle, however long its handler takes.
    await busy.untilAnswers(1);
    expect(busy.answers.map((a) => a.status)).toEqual([200]);
  });

  it('closes a request whose body stalls after the request limit', async () => {
    const server = await serve(echo, { keepAliveMs: 10_000, headMs: 10_000, requestMs: 150, sweepMs: 20 });
    const c = client(server);
    c.send('POST / HTTP/1.1\r\ncontent-length: 10\r\n\r\nabc');
    await c.untilClosed();
    expect(c.answers).toEqual([]);
  });

  it('finishes a request whose client went away without writing anywhere, and goes on serving', async () => {
    let finished = 0;
    const server = await serve(async (r) => {
      const answer = await echo(r);
      finished++;
      return answer;
    });
    const gone = client(server);
    gone.send(post('/slow/30', 'x'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    gone.destroy();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(finished).toBe(1);
    const next = client(server);
    next.send(post('/', 'y'));
    await next.untilAnswers(1);
    expect(echoed(next.answers[0]).body).toBe('y');
  });

  it('closes its open connections when it closes', async () => {
    const server = await serve();
    const c = client(server);
    c.send(post('/', 'x'));
    await c.untilAnswers(1);
    await server.close();
    running = running.filter((s) => s !== server);
    await c.untilClosed();
    expect(c.closed).toBe(true);
  });
});
