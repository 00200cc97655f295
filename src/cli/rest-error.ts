/**
 * Turns a refused `/api/v1` answer into the CLI's one-line error: the server's AWS-shaped
 * `__type: message` when it sent one, the HTTP status otherwise, after `what` failed when given.
 */
import { UserError } from './resolve.js';

export function restError(status: number, body: string, what?: string): UserError {
  let why = `HTTP ${status}`;
  try {
    const err = JSON.parse(body) as { __type?: unknown; message?: unknown };
    if (typeof err.__type === 'string') why = `${err.__type}: ${typeof err.message === 'string' ? err.message : ''}`;
  } catch {
    // Not Stemma's error shape (a proxy in between, say): the status says enough.
  }
  return new UserError(what === undefined ? why : `${what}: ${why}`);
}
