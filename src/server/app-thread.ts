/**
 * The application thread of `stemma serve`: it owns the store, the API and the jobs, and answers
 * the requests the socket thread (threaded-server.ts) reads. This file is a worker entry point, so
 * it starts the application when loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Authenticator } from './auth.js';
import type { HttpRequest, HttpResponse } from './http-types.js';
import { InternalFailure, ServiceError } from '../core/errors.js';
import { requestId } from '../core/ids.js';
import { errorResponse } from './aws-json.js';
import type { Logger } from './log.js';
import { jsonLogger } from './log.js';
import type { Application, ServeConfig } from './stemma-server.js';
import { buildApplication } from './stemma-server.js';
import type { AuthOutcome, FromAppThread, ToAppThread } from './thread-messages.js';
import { decodeRequest, encodeResponse, KnownCallers } from './thread-messages.js';

function requireParentPort(): MessagePort {
  if (!parentPort) throw new Error('app-thread.js runs only as a worker thread.');
  return parentPort;
}

const port = requireParentPort();
const post = (message: FromAppThread): void => port.postMessage(message);

/** What the socket thread found for each request in flight, for the application's authenticator. */
const outcomes = new WeakMap<HttpRequest, AuthOutcome>();

/** Answers with the socket thread's verdict on the request it is asked about. */
const socketThreadAuthenticator: Authenticator = {
  authenticate(request) {
    const outcome = outcomes.get(request);
    if (!outcome) throw new InternalFailure('The request reached the application without its authentication.');
    if ('error' in outcome) throw new ServiceError(outcome.error.code, outcome.error.message, { statusCode: outcome.error.statusCode });
    return outcome.caller;
  },
};

/** The callers the socket thread has sent, by number. */
const callers = new KnownCallers();

function answer(app: Application, log: Logger, message: string): void {
  const { id, request, auth } = decodeRequest(message, callers);
  outcomes.set(request, auth);
  app.handler(request).then(
    (response: HttpResponse) => post(encodeResponse({ id, response })),
    (e: unknown) => {
      // The handler turns every failure into an AWS error itself; reaching here is a server fault.
      log.error('request handler failed', { error: e instanceof Error ? e.message : String(e) });
      const response = errorResponse(new InternalFailure('The server failed while handling this request.'), requestId());
      post(encodeResponse({ id, response }));
    },
  );
}

async function main(): Promise<void> {
  const log = jsonLogger();
  let app: Application;
  try {
    app = await buildApplication({ ...(workerData as ServeConfig), authenticator: socketThreadAuthenticator, log });
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  port.on('message', (message: ToAppThread) => {
    if (typeof message === 'string') {
      answer(app, log, message);
    } else {
      void app.close().finally(() => {
        post({ type: 'closed' });
        port.close();
      });
    }
  });
  post({ type: 'ready' });
}

void main();
