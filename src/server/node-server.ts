/**
 * The Node `http` adapter: reads a bounded body, calls the transport-neutral handler, writes the
 * answer. Keep-alive is on, so SDK clients reuse connections.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestEntityTooLarge } from '../core/errors.js';
import { requestId } from '../core/ids.js';
import { errorResponse } from './aws-json.js';
import type { HttpRequest, RequestHandler } from './http-types.js';

/** SageMaker's largest request bodies (pipeline definitions) are well under this. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ListeningServer {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Node lower-cases header names; only set-cookie arrives as an array, and no request of ours uses it. */
function headersOf(req: IncomingMessage): Readonly<Record<string, string | undefined>> {
  return req.headers as Readonly<Record<string, string | undefined>>;
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function queryOf(url: string | undefined): string | undefined {
  const q = url?.indexOf('?') ?? -1;
  return q < 0 ? undefined : url?.slice(q + 1);
}

async function serve(handler: RequestHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestBody = await readBody(req, MAX_BODY_BYTES);
  const response =
    requestBody === 'too-large'
      ? errorResponse(new RequestEntityTooLarge(`The request body exceeds ${MAX_BODY_BYTES} bytes.`), requestId())
      : await handler({
          method: req.method ?? 'GET',
          path: pathOf(req.url),
          query: queryOf(req.url),
          headers: headersOf(req),
          body: requestBody,
        } satisfies HttpRequest);
  // An explicit length keeps Node from chunking the body, which costs framing and an extra write;
  // a string body is sent in the same write as the headers.
  const length = typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length;
  res.writeHead(response.status, { ...response.headers, 'content-length': length });
  res.end(response.body);
}

export function listen(handler: RequestHandler, port: number, host: string): Promise<ListeningServer> {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    serve(handler, req, res).catch(() => {
      // The handler never throws; this is a broken socket. Nothing is left to answer.
      res.destroy();
    });
  });
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
            server.closeAllConnections();
          }),
      });
    });
  });
}
