/**
 * `POST /api/v1/trial-components/{name}/metrics`: Stemma's way to report metric values for a trial
 * component (SageMaker has its metrics service for this, outside its API). Authenticated like every
 * request; the body is JSON `{ "Metrics": [{ "MetricName", "Value", "Timestamp"?, "Step"? }] }`.
 * Answers 200 with the trial component's ARN and its updated metric summaries.
 */
import { MethodNotAllowed, ValidationException } from '../../core/errors.js';
import type { SageMakerApi } from '../../api/service.js';
import type { Caller } from '../auth.js';
import { parseBody } from '../aws-json.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';
import { restJson } from './rest-json.js';

const ROUTE = /^\/api\/v1\/trial-components\/([^/]+)\/metrics$/;

/** Whether this request is for the metrics route (of any method). */
export function isTrialComponentMetricsRoute(path: string): boolean {
  return ROUTE.test(path);
}

export async function handleTrialComponentMetrics(
  request: HttpRequest,
  requestId: string,
  deps: { api: SageMakerApi; caller: Caller },
): Promise<HttpResponse> {
  if (request.method !== 'POST') throw new MethodNotAllowed(request.path, ['POST']);
  const encoded = (ROUTE.exec(request.path) as RegExpExecArray)[1] as string;
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw new ValidationException(`The trial component name in ${request.path.slice(0, 256)} is not valid percent-encoding.`);
  }
  const output = await deps.api.extras.recordTrialComponentMetrics(name, parseBody(request.body), { ...deps.caller, requestId });
  return restJson(200, requestId, output);
}
