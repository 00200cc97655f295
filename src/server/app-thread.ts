/**
 * The application thread of `stemma serve`: it owns the store, the API and the jobs, and answers
 * the requests the socket thread (threaded-server.ts) reads. This file is a worker entry point, so
 * it starts the application when loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { HttpResponse } from './http-types.js';
import { InternalFailure } from '../core/errors.js';
import { requestId } from '../core/ids.js';
import { errorResponse } from './aws-json.js';
import type { Logger } from './log.js';
import { jsonLogger } from './log.js';
import type { Application, ServeConfig } from './stemma-server.js';
import { buildApplication } from './stemma-server.js';
import type { FromAppThread, RequestEnvelope, ToAppThread } from './thread-messages.js';
import { asBuffer } from './thread-messages.js';

function requireParentPort(): MessagePort {
  if (!parentPort) throw new Error('app-thread.js runs only as a worker thread.');
  return parentPort;
}

const port = requireParentPort();
const post = (message: FromAppThread): void => port.postMessage(message);

function answer(app: Application, log: Logger, { id, request }: RequestEnvelope): void {
  app.handler({ ...request, body: asBuffer(request.body) }).then(
    (response: HttpResponse) => post({ type: 'response', id, response }),
    (e: unknown) => {
      // The handler turns every failure into an AWS error itself; reaching here is a server fault.
      log.error('request handler failed', { error: e instanceof Error ? e.message : String(e) });
      post({ type: 'response', id, response: errorResponse(new InternalFailure('The server failed while handling this request.'), requestId()) });
    },
  );
}

async function main(): Promise<void> {
  const log = jsonLogger();
  let app: Application;
  try {
    app = await buildApplication({ ...(workerData as ServeConfig), log });
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  port.on('message', (message: ToAppThread) => {
    if (message.type === 'request') {
      answer(app, log, message);
    } else {
      void app.close().finally(() => {
        post({ type: 'closed' });
        port.close();
      });
    }
  });
  post({ type: 'ready', authMode: app.authMode });
}

void main();
