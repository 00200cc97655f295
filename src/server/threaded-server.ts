/**
 * `stemma serve` on two threads. The socket thread (this one) reads requests and writes responses;
 * the application thread (app-thread.ts) authenticates, validates, runs the operation and talks to
 * the store. On the embedded store about half of a request's time is SQLite and the rest HTTP
 * parsing, socket writes and protocol work, so with two threads one request's socket work overlaps
 * another's store work instead of queueing behind it on one event loop (`npm run bench ingest`
 * compares both).
 */
import { Worker } from 'node:worker_threads';
import { systemClock } from '../core/clock.js';
import { InternalFailure, ServiceError } from '../core/errors.js';
import { requestId } from '../core/ids.js';
import { errorResponse } from './aws-json.js';
import type { HttpRequest, HttpResponse } from './http-types.js';
import type { Logger } from './log.js';
import type { ListeningServer } from './http-server.js';
import { listen } from './http-server.js';
import type { AuthMode } from './auth-mode.js';
import { authenticatorFor } from './auth-mode.js';
import type { Authenticator } from './auth.js';
import type { ServeConfig } from './stemma-server.js';
import type { AuthOutcome, FromAppThread, ToAppThread } from './thread-messages.js';
import { CallerNumbers, decodeResponse, encodeRequest } from './thread-messages.js';

/** What can cross to the application thread: everything but objects with behaviour (its logger is its own). */
export type ThreadedServeConfig = Omit<ServeConfig, 'clock' | 'log' | 'authenticator'>;

/** Every request is authenticated here; the application thread decides whether its route needs it. */
async function authenticate(authenticator: Authenticator, request: HttpRequest, log: Logger): Promise<AuthOutcome> {
  try {
    return { caller: await authenticator.authenticate(request) };
  } catch (e) {
    if (e instanceof ServiceError && e.fault === 'client') return { error: { code: e.code, message: e.message, statusCode: e.statusCode } };
    // A fault of the authenticator itself: logged here, as app.ts logs its own, and answered as a 500.
    log.error('authentication failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    const error = new InternalFailure('The request could not be authenticated.');
    return { error: { code: error.code, message: error.message, statusCode: error.statusCode } };
  }
}

export interface RunningThreadedStemma extends ListeningServer {
  readonly authMode: AuthMode;
}

export async function startThreadedStemma(config: ThreadedServeConfig, log: Logger): Promise<RunningThreadedStemma> {
  // Configuration errors (a bad keys file, an unsafe bind) are reported before a thread starts.
  const { mode: authMode, authenticator } = authenticatorFor(config, systemClock);
  const worker = new Worker(new URL('./app-thread.js', import.meta.url), { workerData: config });
  const pending = new Map<number, (response: HttpResponse) => void>();
  let nextId = 0;
  let closed: (() => void) | undefined;

  const failAll = (reason: string): void => {
    for (const resolve of pending.values()) resolve(errorResponse(new InternalFailure(reason), requestId()));
    pending.clear();
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromAppThread) => {
      if (typeof message === 'string') {
        const { id, response } = decodeResponse(message);
        const done = pending.get(id);
        pending.delete(id);
        done?.(response);
        return;
      }
      switch (message.type) {
        case 'ready':
          resolve();
          break;
        case 'failed':
          reject(new Error(message.message));
          break;
        case 'closed':
          closed?.();
          break;
      }
    });
    worker.on('error', (e) => {
      log.error('the application thread failed', { error: e.message });
      failAll('The server failed while handling this request.');
      reject(e);
      // Without its application thread the server can only fail every request: stop instead.
      process.exitCode = 1;
      void worker.terminate().then(() => process.exit(1));
    });
    worker.on('exit', (code) => {
      failAll('The server is shutting down.');
      reject(new Error(`The application thread exited (code ${code}) before it was ready.`));
    });
  });
  try {
    await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }

  const callers = new CallerNumbers();
  const handler = async (request: HttpRequest): Promise<HttpResponse> => {
    const auth = await authenticate(authenticator, request, log);
    return new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      worker.postMessage(encodeRequest({ id, request, auth }, callers) satisfies ToAppThread);
    });
  };

  const server = await listen(handler, config.port, config.host);
  return {
    ...server,
    authMode,
    close: async () => {
      await server.close();
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ type: 'close' } satisfies ToAppThread);
      });
      await worker.terminate();
    },
  };
}
