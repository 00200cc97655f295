/**
 * SageMaker Runtime's InvokeEndpoint, served beside the SageMaker API: `POST
 * /endpoints/{EndpointName}/invocations` with the payload as the body, `Content-Type` and `Accept`
 * passed to the model. The answer is the model's body and content type, with the
 * `x-Amzn-Invoked-Production-Variant` header. Point a `sagemaker-runtime` client's endpoint URL at
 * Stemma to use it.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html
 */
import { MethodNotAllowed, ValidationException } from '../../core/errors.js';
import type { SageMakerApi } from '../../api/service.js';
import type { Caller } from '../auth.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';

const ROUTE = /^\/endpoints\/([^/]+)\/invocations$/;

export function isInvocationsRoute(path: string): boolean {
  return ROUTE.test(path);
}

export async function handleInvocations(request: HttpRequest, requestId: string, deps: { api: SageMakerApi; caller: Caller }): Promise<HttpResponse> {
  if (request.method !== 'POST') throw new MethodNotAllowed(request.path, ['POST']);
  const encoded = (ROUTE.exec(request.path) as RegExpExecArray)[1] as string;
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw new ValidationException(`The endpoint name in ${request.path.slice(0, 256)} is not valid percent-encoding.`);
  }
  const out = await deps.api.extras.invokeEndpoint(
    name,
    { body: request.body, contentType: request.headers['content-type'], accept: request.headers['accept'] },
    { ...deps.caller, requestId },
  );
  return {
    status: 200,
    headers: { 'content-type': out.contentType, 'x-amzn-invoked-production-variant': out.variant, 'x-amzn-requestid': requestId },
    body: out.body,
  };
}
