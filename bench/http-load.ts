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

/**
 * Sends `requests` in order on one socket, each after the previous answer, recording latencies.
 * Answers are read with `onread` into one reused buffer, which skips the readable stream's
 * per-chunk work; only an answer split across reads is copied.
 */
function runClient(host: string, port: number, requests: readonly Buffer[], latencies: number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let sentAt = 0;
    let pending: Buffer | undefined;
    let non200 = 0;
    let done = false;
    const send = (): void => {
      sentAt = performance.now();
      socket.write(requests[next] as Buffer);
    };
    const finish = (error?: Error): void => {
      done = true;
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        socket.end();
        resolve(non200);
      }
    };
    /** Takes every whole answer in `data`; returns the bytes of one not yet whole. */
    const answers = (data: Buffer): Buffer => {
      let at = 0;
      while (!done) {
        const headerEnd = data.indexOf(HEADER_END, at);
        if (headerEnd < 0) break;
        const head = data.toString('latin1', at, headerEnd).toLowerCase();
        const lengthAt = head.indexOf('content-length:');
        if (lengthAt < 0) {
          finish(new Error('Response without Content-Length; the load generator reads only fixed-length bodies.'));
          break;
        }
        const total = headerEnd + 4 + parseInt(head.slice(lengthAt + 15), 10);
        if (data.length < total) break;
        latencies.push(performance.now() - sentAt);
        if (!head.startsWith('http/1.1 200')) non200++;
        at = total;
        if (++next >= requests.length) finish();
        else send();
      }
      return data.subarray(at);
    };
    const readBuffer = Buffer.allocUnsafe(64 * 1024);
    const socket: Socket = connect({
      port,
      host,
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (bytes) => {
          const read = readBuffer.subarray(0, bytes);
          const rest = answers(pending ? Buffer.concat([pending, read]) : read);
          // The read buffer is reused for the next read: keep a partial answer's bytes in a copy.
          pending = rest.length > 0 ? Buffer.from(rest) : undefined;
          return true;
        },
      },
    });
    socket.on('connect', () => (requests.length > 0 ? send() : finish()));
    socket.on('close', () => {
      if (!done) finish(new Error(`The server closed the connection after ${next} of ${requests.length} answers.`));
    });
    socket.on('error', (e) => {
      done = true;
      reject(e);
    });
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
