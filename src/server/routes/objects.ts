/**
 * `/api/v1/objects/{bucket}/{key}`: put and get the objects behind `s3://bucket/key` (Stemma's
 * built-in object store, or the configured S3-compatible endpoint), so users can upload the data
 * their jobs read and fetch what the jobs wrote.
 * - `PUT` stores the raw body as the object (200 with its URI and size).
 * - `GET` answers the object's bytes (`application/octet-stream`); on a key that ends with `/`, or
 *   a bare bucket, it lists the keys under that prefix as JSON `{ "Objects": [{ "Key", "Uri" }] }`.
 * - `DELETE` removes the object (200 whether or not it existed, as S3 does).
 * Authenticated like every request (by the app, before routing). The key is percent-decoded segment by segment.
 */
import { MethodNotAllowed, ServiceError, ValidationException } from '../../core/errors.js';
import { ObjectStoreError } from '../../jobs/object-store.js';
import type { ObjectStore } from '../../jobs/object-store.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';
import { restJson } from './rest-json.js';

const PREFIX = '/api/v1/objects/';

export function isObjectsRoute(path: string): boolean {
  return path.startsWith(PREFIX);
}


function decode(text: string, path: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ValidationException(`${path.slice(0, 256)} is not valid percent-encoding.`);
  }
}

/** The object store's failures in S3's terms; none of them is Stemma's fault, so none is a 500. */
function asServiceError(e: ObjectStoreError): ServiceError {
  switch (e.kind) {
    case 'not-found':
      return new ServiceError(e.code === 'NoSuchBucket' ? 'NoSuchBucket' : 'NoSuchKey', e.message, { statusCode: 404 });
    case 'denied':
      return new ServiceError('AccessDenied', e.message, { statusCode: 403 });
    case 'unavailable':
      // The configured S3 endpoint is down: the request may succeed later.
      return new ServiceError('ServiceUnavailable', e.message, { statusCode: 503 });
    case 'invalid':
      return new ValidationException(e.message);
  }
}

async function translate<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof ObjectStoreError) throw asServiceError(e);
    throw e;
  }
}

export async function handleObjects(
  request: HttpRequest,
  requestId: string,
  deps: { objects: ObjectStore },
): Promise<HttpResponse> {
  const rest = request.path.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  const bucket = decode(slash < 0 ? rest : rest.slice(0, slash), request.path);
  const key = slash < 0 ? '' : rest.slice(slash + 1).split('/').map((s) => decode(s, request.path)).join('/');
  const uri = `s3://${bucket}/${key}`;
  switch (request.method) {
    case 'PUT':
      await translate(deps.objects.put(uri, request.body));
      return restJson(200, requestId, { Uri: uri, Size: request.body.length });
    case 'GET':
    case 'HEAD': {
      if (key === '' || key.endsWith('/')) {
        const uris = await translate(deps.objects.list(uri));
        return restJson(200, requestId, { Objects: uris.map((u) => ({ Key: u.slice(`s3://${bucket}/`.length), Uri: u })) });
      }
      const body = await translate(deps.objects.get(uri));
      return {
        status: 200,
        headers: { 'content-type': 'application/octet-stream', 'x-amzn-requestid': requestId },
        body: request.method === 'HEAD' ? '' : body,
      };
    }
    case 'DELETE':
      await translate(deps.objects.delete(uri));
      return restJson(200, requestId, { Uri: uri });
    default:
      throw new MethodNotAllowed(request.path, ['PUT', 'GET', 'DELETE']);
  }
}
