/**
 * The server's request pipeline, independent of the socket: authenticate → route → parse →
 * validate and invoke (the API) → serialize. Every response carries a request id; a fault of our
 * own becomes a logged 500 InternalFailure that reveals nothing but that id.
 */
import { InternalFailure, ServiceError } from '../core/errors.js';
import { requestId as newRequestId } from '../core/ids.js';
import type { SageMakerApi } from '../api/service.js';
import type { Authenticator, Caller } from './auth.js';
import { errorResponse, operationOf, parseBody, successResponse } from './aws-json.js';
import type { HttpRequest, HttpResponse, RequestHandler } from './http-types.js';
import type { Logger } from './log.js';
import { handleTrialComponentMetrics, isTrialComponentMetricsRoute } from './routes/trial-component-metrics.js';
import { handleObjects, isObjectsRoute } from './routes/objects.js';
import { handleJobLogs, isJobLogsRoute } from './routes/job-logs.js';
import { handleInvocations, isInvocationsRoute } from './routes/invocations.js';
import type { ObjectStore } from '../jobs/object-store.js';
import { ENTITIES_PATH, entitiesRoute } from './routes/entities.js';
import { LINEAGE_SHARES_PATH, lineageSharesRoute } from './routes/lineage-shares.js';
import { staticFileRoute } from './routes/static-files.js';
import type { Store } from '../storage/store.js';

export interface AppDeps {
  readonly api: SageMakerApi;
  readonly auth: Authenticator;
  readonly log: Logger;
  /** The built-in object store behind `s3://` URIs, served under /api/v1/objects. */
  readonly objects: ObjectStore;
  /** What the `/api/v1` extras read. */
  readonly store: Store;
  /** The built web explorer (`dist/web`) served at `/`; undefined when it is not built. */
  readonly webRoot?: string;
}

export function createApp(deps: AppDeps): RequestHandler {
  const { api, auth, log, objects, store, webRoot } = deps;

  async function sagemaker(request: HttpRequest, requestId: string, caller: Caller): Promise<HttpResponse> {
    const operation = operationOf(request.headers['x-amz-target']);
    const input = parseBody(request.body);
    const output = await api.invoke(operation, input, { ...caller, requestId });
    return successResponse(output, requestId);
  }

  return async (request) => {
    const requestId = newRequestId();
    try {
      const reading = request.method === 'GET' || request.method === 'HEAD';
      // Only the health check and the explorer's own files are public; everything else, including
      // requests for routes that do not exist, is authenticated first.
      if (reading && request.path === '/ping') {
        return { status: 200, headers: { 'content-type': 'text/plain', 'x-amzn-requestid': requestId }, body: 'ok\n' };
      }
      if (reading && !request.path.startsWith('/api/') && !isInvocationsRoute(request.path)) return await staticFileRoute(request, requestId, webRoot);
      const caller = await auth.authenticate(request);
      if (request.path === '/' && request.method === 'POST') return await sagemaker(request, requestId, caller);
      if (isTrialComponentMetricsRoute(request.path)) return await handleTrialComponentMetrics(request, requestId, { api, caller });
      if (isInvocationsRoute(request.path)) return await handleInvocations(request, requestId, { api, caller });
      if (isJobLogsRoute(request.path)) return await handleJobLogs(request, requestId, { api, caller });
      if (request.path === LINEAGE_SHARES_PATH) return await lineageSharesRoute(request, requestId, { api, caller });
      if (isObjectsRoute(request.path)) return await handleObjects(request, requestId, { objects });
      if (reading && request.path === ENTITIES_PATH) return await entitiesRoute(request, requestId, store, caller);
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
