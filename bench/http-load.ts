/**
 * A lean HTTP/1.1 load generator: each client is one keep-alive socket that sends pre-serialized
 * requests one after another and reads each answer by its Content-Length. General-purpose clients
 * (undici, fetch) spend two to three times more CPU per request; on a 2-core machine that CPU is
 * taken from the server being measured, so the benchmark would report the client.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface LoadResult {
  readonly latenciesMs: number[];
  readonly seconds: number;
  readonly non200: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export function httpRequest(
  host: string,
  port: number,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body = '',
): Buffer {
  const payload = Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${host}:${port}`, `content-length: ${payload.length}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

/** Sends `requests` in order on one socket, each after the previous answer, recording latencies. */
function runClient(host: string, port: number, requests: readonly Buffer[], latencies: number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, host);
    socket.setNoDelay(true);
    let next = 0;
    let sentAt = 0;
    let pending: Buffer = Buffer.alloc(0);
    let non200 = 0;
    const send = (): void => {
      sentAt = performance.now();
      socket.write(requests[next] as Buffer);
    };
    socket.on('connect', () => (requests.length > 0 ? send() : (socket.end(), resolve(0))));
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const headerEnd = pending.indexOf(HEADER_END);
        if (headerEnd < 0) return;
        const head = pending.toString('latin1', 0, headerEnd).toLowerCase();
        const lengthAt = head.indexOf('content-length:');
        if (lengthAt < 0) {
          socket.destroy();
          reject(new Error('Response without Content-Length; the load generator reads only fixed-length bodies.'));
          return;
        }
        const length = parseInt(head.slice(lengthAt + 15), 10);
        const total = headerEnd + 4 + length;
        if (pending.length < total) return;
        latencies.push(performance.now() - sentAt);
        if (!head.startsWith('http/1.1 200')) non200++;
        pending = pending.subarray(total);
        if (++next >= requests.length) {
          socket.end();
          resolve(non200);
          return;
        }
        send();
      }
    });
    socket.on('error', reject);
  });
}

/**
 * Runs one client per request list, all at once, and measures the whole. With several URLs (replicas
 * behind a load balancer) client i talks to `urls[i % urls.length]`.
 */
export async function runLoad(urls: string | readonly string[], perClient: readonly (readonly Buffer[])[]): Promise<LoadResult> {
  const targets = (typeof urls === 'string' ? [urls] : urls).map((u) => new URL(u));
  const latenciesMs: number[] = [];
  const start = performance.now();
  const non200 = await Promise.all(
    perClient.map((requests, i) => {
      const { hostname, port } = targets[i % targets.length] as URL;
      return runClient(hostname, Number(port), requests, latenciesMs);
    }),
  );
  return { latenciesMs, seconds: (performance.now() - start) / 1000, non200: non200.reduce((a, b) => a + b, 0) };
}
