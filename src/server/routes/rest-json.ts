/**
 * How Stemma's own `/api/v1` routes answer: plain JSON, never cached (each answer is the store's
 * state at that moment). Their errors take the AWS shape like every other (aws-json.ts).
 */
import type { HttpResponse } from '../http-types.js';

export function restJson(status: number, requestId: string, body: unknown): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}
