/**
 * `GET /api/v1/jobs/{training-jobs|processing-jobs|transform-jobs}/{name}/logs`: what a job has
 * written to stdout and stderr so far, as `text/plain` (SageMaker sends this to CloudWatch Logs).
 * Authenticated like every request; the job must be the caller's.
 */
import { MethodNotAllowed, ValidationException } from '../../core/errors.js';
import type { SageMakerApi } from '../../api/service.js';
import type { Caller } from '../auth.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';

const ROUTE = /^\/api\/v1\/jobs\/([a-z-]+)\/([^/]+)\/logs$/;

export function isJobLogsRoute(path: string): boolean {
  return ROUTE.test(path);
}

export async function handleJobLogs(request: HttpRequest, requestId: string, deps: { api: SageMakerApi; caller: Caller }): Promise<HttpResponse> {
  if (request.method !== 'GET') throw new MethodNotAllowed(request.path, ['GET']);
  const [, collection, encoded] = ROUTE.exec(request.path) as unknown as [string, string, string];
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw new ValidationException(`The job name in ${request.path.slice(0, 256)} is not valid percent-encoding.`);
  }
  const log = await deps.api.extras.jobLog(collection, name, { ...deps.caller, requestId });
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-amzn-requestid': requestId }, body: log };
}
