/**
 * The web explorer's files (`dist/web`, built by `npm run build`) at `/`. Only files inside the
 * root are served: a path that is not plain segments (`..`, `.`, backslashes, NUL, bad escapes) is
 * a 404 before the file system is asked. Every answer carries an ETag and `no-cache`, so a browser
 * revalidates (a cheap 304) and never runs a stale bundle after an upgrade.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { HttpRequest, HttpResponse } from '../http-types.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file segments of a URL path, or undefined when it could name something outside the root. */
export function safeSegments(urlPath: string): string[] | undefined {
  const raw = urlPath === '/' ? ['index.html'] : urlPath.slice(1).split('/');
  const segments: string[] = [];
  for (const encoded of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[\\/\0:]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

function notFound(requestId: string): HttpResponse {
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-amzn-requestid': requestId }, body: 'Not found.\n' };
}

export async function staticFileRoute(request: HttpRequest, requestId: string, root: string | undefined): Promise<HttpResponse> {
  if (root === undefined) {
    return {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-amzn-requestid': requestId },
      body: 'The web explorer is not built: run `npm run build`.\n',
    };
  }
  const segments = safeSegments(request.path);
  const type = segments && CONTENT_TYPES[extname(segments[segments.length - 1] ?? '').toLowerCase()];
  if (!segments || !type) return notFound(requestId);
  const file = join(root, ...segments);
  let info;
  try {
    info = await stat(file);
  } catch {
    return notFound(requestId);
  }
  if (!info.isFile()) return notFound(requestId);
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = { 'content-type': type, 'cache-control': 'no-cache', etag, 'x-content-type-options': 'nosniff', 'x-amzn-requestid': requestId };
  if (request.headers['if-none-match'] === etag) return { status: 304, headers, body: '' };
  // Node leaves the body off a HEAD answer itself, keeping the length header true.
  const body = await readFile(file);
  return { status: 200, headers, body };
}
