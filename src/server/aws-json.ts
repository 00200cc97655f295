/**
 * AWS JSON 1.1, the protocol SageMaker speaks: `POST /` with `X-Amz-Target: SageMaker.<Operation>`
 * and a JSON body; a JSON answer; errors as `{"__type": <code>, "message": …}` with the code also in
 * the `x-amzn-ErrorType` header.
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */
import { MethodNotAllowed, SerializationException, ServiceError, UnknownOperationException } from '../core/errors.js';
import type { HttpResponse } from './http-types.js';

const SERVICE_PREFIX = 'SageMaker.';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Errors the SageMaker model declares; the SDKs read their text from a `Message` member. */
const MODELED_ERRORS = new Set(['ResourceNotFound', 'ResourceLimitExceeded', 'ResourceInUse', 'ConflictException']);

export function operationOf(target: string | undefined): string {
  if (!target) {
    throw new UnknownOperationException('Missing X-Amz-Target header: expected SageMaker.<Operation>.');
  }
  if (!target.startsWith(SERVICE_PREFIX) || target.length === SERVICE_PREFIX.length) {
    throw new UnknownOperationException(`Unknown X-Amz-Target ${target.slice(0, 128)}: expected SageMaker.<Operation>.`);
  }
  return target.slice(SERVICE_PREFIX.length);
}

export function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new SerializationException(`The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SerializationException('The request body must be a JSON object.');
  }
  return parsed;
}

export function successResponse(output: unknown, requestId: string): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(output ?? {}),
  };
}

export function errorResponse(error: ServiceError, requestId: string): HttpResponse {
  const body: Record<string, string> = { __type: error.code, message: error.message };
  if (MODELED_ERRORS.has(error.code)) body['Message'] = error.message;
  return {
    status: error.statusCode,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.code,
      ...(error instanceof MethodNotAllowed ? { allow: error.allowed.join(', ') } : {}),
    },
    body: JSON.stringify(body),
  };
}

export { ServiceError };
