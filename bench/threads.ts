/**
 * How a request and its response cross between the socket thread and the application thread of
 * `stemma serve` (thread-messages.ts): as one string, beside the object graph that used to be
 * structured-cloned, measured in the same run.
 */
import { Worker } from 'node:worker_threads';
import type { HttpRequest, HttpResponse } from '../src/server/http-types.js';
import type { AuthOutcome } from '../src/server/thread-messages.js';
import { CallerNumbers, decodeResponse, encodeRequest } from '../src/server/thread-messages.js';
import { CLIENTS } from './ingest.js';
import { fmt, table } from './stats.js';

/** Messages kept in flight, as many as the ingest benchmark's clients. */
const IN_FLIGHT = CLIENTS;

const body = JSON.stringify({ Source: { SourceUri: 's3://bench/c3/data-1234.csv' }, ArtifactType: 'DataSet', Properties: { step: '1234' } });
const request: HttpRequest = {
  method: 'POST',
  path: '/',
  headers: {
    host: '127.0.0.1:8080',
    'content-length': String(body.length),
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'SageMaker.CreateArtifact',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261121/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0',
  },
  body: Buffer.from(body),
};
const auth: AuthOutcome = { caller: { scope: { account: '000000000000', region: 'us-east-1' }, user: { IamIdentity: { PrincipalId: 'AKIDBENCH' } } } };
const response: HttpResponse = {
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'f0e3b2a4-1111-2222-3333-444455556666' },
  body: JSON.stringify({ ArtifactArn: 'arn:aws:sagemaker:us-east-1:000000000000:artifact/93133309bb3f8950f8f6708a9c96a758' }),
};

/**
 * The application thread's side: decodes each request and answers it, as app-thread.ts does. It is
 * CommonJS given as source; the message codec is loaded from its compiled module.
 */
const ECHO_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.codec).then(({ decodeRequest, encodeResponse, KnownCallers }) => {
  const callers = new KnownCallers();
  parentPort.on('message', (m) => {
    if (typeof m === 'string') {
      const { id } = decodeRequest(m, callers);
      parentPort.postMessage(encodeResponse({ id, response: workerData.response }));
    } else {
      const { id } = m;
      parentPort.postMessage({ type: 'response', id, response: workerData.response });
    }
  });
  parentPort.postMessage('ready');
});
`;

interface Crossing {
  readonly microsPerRoundTrip: number;
  readonly cpuMicrosPerRoundTrip: number;
}

/** Round trips with {@link IN_FLIGHT} in flight; CPU is the whole process's, so both threads. */
async function crossThreads(kind: 'string' | 'object', roundTrips: number): Promise<Crossing> {
  const codec = new URL('../src/server/thread-messages.js', import.meta.url).href;
  const worker = new Worker(ECHO_SOURCE, { eval: true, workerData: { codec, response } });
  await new Promise((resolve) => worker.once('message', resolve));
  const callers = new CallerNumbers();
  const send = (id: number): void =>
    worker.postMessage(kind === 'string' ? encodeRequest({ id, request, auth }, callers) : { type: 'request', id, request, auth });
  let sent = 0;
  let answered = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await new Promise<void>((done) => {
    worker.on('message', (m: string | { id: number }) => {
      if (typeof m === 'string') decodeResponse(m);
      answered++;
      if (sent < roundTrips) send(sent++);
      else if (answered === sent) done();
    });
    while (sent < IN_FLIGHT) send(sent++);
  });
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await worker.terminate();
  return { microsPerRoundTrip: (elapsed * 1000) / roundTrips, cpuMicrosPerRoundTrip: (used.user + used.system) / roundTrips };
}

export async function threadsBenchmark(options: { roundTrips: number }): Promise<string> {
  const string = await crossThreads('string', options.roundTrips);
  const object = await crossThreads('object', options.roundTrips);
  return table(
    `Thread crossing: a request and its response, ${IN_FLIGHT} in flight`,
    ['envelope', 'round trips', 'µs per round trip', 'CPU µs per round trip', 'note'],
    [
      ['one string (thread-messages.ts)', fmt.int(options.roundTrips), string.microsPerRoundTrip.toFixed(2), string.cpuMicrosPerRoundTrip.toFixed(2), `CPU = ${fmt.ratio(string.cpuMicrosPerRoundTrip / object.cpuMicrosPerRoundTrip)} of the object graph`],
      ['baseline: structured-cloned object graph', fmt.int(options.roundTrips), object.microsPerRoundTrip.toFixed(2), object.cpuMicrosPerRoundTrip.toFixed(2), 'headers, caller and a Buffer body'],
    ],
  );
}
