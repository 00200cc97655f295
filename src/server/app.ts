/**
 * The server's request pipeline, independent of the socket: route → authenticate → parse →
 * validate and invoke (the API) → serialize. Every response carries a request id; a fault of our
 * own becomes a logged 500 InternalFailure that reveals nothing but that id.
 */
import { InternalFailure, ServiceError } from '../core/errors.js';
import { requestId as newRequestId } from '../core/ids.js';
import type { SageMakerApi } from '../api/service.js';
import type { Authenticator } from './auth.js';
import { errorResponse, operationOf, parseBody, successResponse } from './aws-json.js';
import type { HttpRequest, HttpResponse, RequestHandler } from './http-types.js';
import type { Logger } from './log.js';
import { ENTITIES_PATH, entitiesRoute } from './routes/entities.js';
import { staticFileRoute } from './routes/static-files.js';
import type { Store } from '../storage/store.js';

export interface AppDeps {
  readonly api: SageMakerApi;
  readonly auth: Authenticator;
  readonly log: Logger;
  /** What the `/api/v1` extras read. */
  readonly store: Store;
  /** The built web explorer (`dist/web`) served at `/`; undefined when it is not built. */
  readonly webRoot?: string;
}

export function createApp(deps: AppDeps): RequestHandler {
  const { api, auth, log, store, webRoot } = deps;

  async function sagemaker(request: HttpRequest, requestId: string): Promise<HttpResponse> {
    const operation = operationOf(request.headers['x-amz-target']);
    const caller = auth.authenticate(request.headers);
    const input = parseBody(request.body);
    const output = await api.invoke(operation, input, { ...caller, requestId });
    return successResponse(output, requestId);
  }

  return async (request) => {
    const requestId = newRequestId();
    try {
      if (request.path === '/' && request.method === 'POST') return await sagemaker(request, requestId);
      if (request.path === '/ping' && (request.method === 'GET' || request.method === 'HEAD')) {
        return { status: 200, headers: { 'content-type': 'text/plain', 'x-amzn-requestid': requestId }, body: 'ok\n' };
      }
      if (request.method === 'GET' || request.method === 'HEAD') {
        if (request.path === ENTITIES_PATH) return await entitiesRoute(request, requestId, store, auth);
        if (!request.path.startsWith('/api/')) return await staticFileRoute(request, requestId, webRoot);
      }
      return errorResponse(
        new ServiceError('UnknownOperationException', `No route for ${request.method} ${request.path.slice(0, 256)}.`, {
          statusCode: 404,
        }),
        requestId,
      );
    } catch (e) {
      if (e instanceof ServiceError && e.fault === 'client') return errorResponse(e, requestId);
      log.error('request failed', {
        requestId,
        target: request.headers['x-amz-target'],
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
      return errorResponse(new InternalFailure(), requestId);
    }
  };
}
