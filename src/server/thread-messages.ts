/**
 * What the socket thread and the application thread say to each other (threaded-server.ts and
 * app-thread.ts). Messages are batched per event-loop turn: one postMessage carries every request
 * (or response) of that turn, because the cost of a message is mostly its fixed wake-up, not its size.
 */
import type { AuthMode } from './auth-mode.js';
import type { HttpRequest, HttpResponse } from './http-types.js';

export interface RequestEnvelope {
  readonly id: number;
  readonly request: HttpRequest;
}

export interface ResponseEnvelope {
  readonly id: number;
  readonly response: HttpResponse;
}

export type ToAppThread = { readonly type: 'requests'; readonly batch: readonly RequestEnvelope[] } | { readonly type: 'close' };

export type FromAppThread =
  | { readonly type: 'ready'; readonly authMode: AuthMode }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'responses'; readonly batch: readonly ResponseEnvelope[] }
  | { readonly type: 'closed' };

/** Collects items and hands them over together at the end of the current event-loop turn. */
export class TurnBatcher<T> {
  private queue: T[] = [];
  private readonly send: (batch: T[]) => void;

  constructor(send: (batch: T[]) => void) {
    this.send = send;
  }

  push(item: T): void {
    if (this.queue.length === 0) setImmediate(() => this.flush());
    this.queue.push(item);
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) this.send(batch);
  }
}

/** Structured cloning turns a Buffer into a plain Uint8Array; this views it as a Buffer again, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
