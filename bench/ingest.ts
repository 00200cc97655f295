/**
 * Ingest benchmark (DESIGN §9: at least 10,000 Create and AddAssociation requests/s over HTTP with
 * keep-alive and 8 concurrent clients). The same mixed workload is also run against three
 * baselines in this run: the HTTP stack alone (GET /ping), the API in-process without HTTP, and the
 * bare store writes without validation or protocol.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageMakerApi } from '../src/api/service.js';
import { systemClock } from '../src/core/clock.js';
import { artifactId } from '../src/core/ids.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { httpRequest, runLoad } from './http-load.js';
import { startServerProcess } from './serve-process.js';
import type { Summary } from './stats.js';
import { fmt, summarize, table } from './stats.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const CLIENTS = 8;

interface Call {
  readonly op: string;
  readonly body: string;
}

const artifactArn = (uri: string): string => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:artifact/${artifactId(uri)}`;

/** The calls one client makes at step i: a new dataset, linked to the previous one, described, sometimes deployed. */
function stepCalls(client: number, i: number, tag: string): Call[] {
  const uri = `s3://bench-${tag}/c${client}/data-${i}.csv`;
  const calls: Call[] = [
    { op: 'CreateArtifact', body: JSON.stringify({ Source: { SourceUri: uri }, ArtifactType: 'DataSet', Properties: { step: String(i) } }) },
  ];
  if (i > 0) {
    const prev = `s3://bench-${tag}/c${client}/data-${i - 1}.csv`;
    calls.push({ op: 'AddAssociation', body: JSON.stringify({ SourceArn: artifactArn(prev), DestinationArn: artifactArn(uri), AssociationType: 'DerivedFrom' }) });
  }
  calls.push({ op: 'DescribeArtifact', body: JSON.stringify({ ArtifactArn: artifactArn(uri) }) });
  if (i % 4 === 0) {
    const action = `deploy-${tag}-c${client}-${i}`;
    calls.push({ op: 'CreateAction', body: JSON.stringify({ ActionName: action, Source: { SourceUri: uri }, ActionType: 'ModelDeployment' }) });
    calls.push({
      op: 'AddAssociation',
      body: JSON.stringify({ SourceArn: artifactArn(uri), DestinationArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:action/${action}`, AssociationType: 'ContributedTo' }),
    });
    calls.push({ op: 'CreateContext', body: JSON.stringify({ ContextName: `ctx-${tag}-c${client}-${i}`, Source: { SourceUri: uri }, ContextType: 'Endpoint' }) });
  }
  return calls;
}

function workload(client: number, totalPerClient: number, tag: string): Call[] {
  const calls: Call[] = [];
  for (let i = 0; calls.length < totalPerClient; i++) calls.push(...stepCalls(client, i, tag));
  return calls.slice(0, totalPerClient);
}

const AUTH = `AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261121/${REGION}/sagemaker/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0`;

function serialize(url: string, calls: readonly Call[]): Buffer[] {
  const { hostname, port } = new URL(url);
  return calls.map((call) =>
    httpRequest(hostname, Number(port), 'POST', '/', {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `SageMaker.${call.op}`,
      authorization: AUTH,
    }, call.body),
  );
}

async function runHttp(url: string, perClient: readonly (readonly Buffer[])[]): Promise<Summary & { errors: number }> {
  const result = await runLoad(url, perClient);
  return { ...summarize(result.latenciesMs, result.seconds), errors: result.non200 };
}

async function runInProcess(calls: Call[]): Promise<Summary> {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const store = SqliteStore.open({ path: join(dir, 'stemma.db') });
  const api = new SageMakerApi({ store, clock: systemClock, config: { quotas: null } });
  const ctx = { scope: { account: ACCOUNT, region: REGION }, user: { IamIdentity: { PrincipalId: 'AKIDBENCH' } }, requestId: 'bench' };
  const latencies: number[] = [];
  const start = performance.now();
  for (const call of calls) {
    const t = performance.now();
    JSON.stringify(await api.invoke(call.op, JSON.parse(call.body), ctx));
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return summarize(latencies, seconds);
}

/** The rows the workload writes, inserted straight into the store: no protocol, no validation, no rules. */
async function runStoreOnly(count: number): Promise<Summary> {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const store = SqliteStore.open({ path: join(dir, 'stemma.db') });
  const user = { IamIdentity: { PrincipalId: 'AKIDBENCH' } };
  const latencies: number[] = [];
  let prevId: number | undefined;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await store.transaction(async (tx) => {
      const uri = `s3://store/${i}`;
      const now = Date.now();
      const e = await tx.insertEntity({
        arn: artifactArn(uri), account: ACCOUNT, region: REGION, kind: 'artifact', name: null, type: 'DataSet', sourceUri: uri,
        status: null, description: null, properties: { step: String(i) }, attrs: { Source: { SourceUri: uri } },
        createdAt: now, createdBy: user, modifiedAt: now, modifiedBy: user, automatic: false,
      });
      if (prevId !== undefined) {
        await tx.insertAssociation({ sourceId: prevId, destinationId: e.id, type: 'DerivedFrom', scope: { account: ACCOUNT, region: REGION }, createdAt: now, createdBy: user, automatic: false });
      }
      prevId = e.id;
    });
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return summarize(latencies, seconds);
}

export async function ingestBenchmark(options: { requests: number }): Promise<string> {
  const perClient = Math.ceil(options.requests / CLIENTS);
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const server = await startServerProcess(['--data', dir, '--quotas', 'off']);
  try {
    // Requests are built and serialized before the clock starts, so the figures measure the server.
    const clients = (tag: string, n: number): Call[][] => Array.from({ length: CLIENTS }, (_, c) => workload(c, n, tag));
    const { hostname, port } = new URL(server.url);
    const ping = httpRequest(hostname, Number(port), 'GET', '/ping', {});
    const warmup = clients('warmup', 500).map((calls) => serialize(server.url, calls));
    const pings = Array.from({ length: CLIENTS }, () => Array.from({ length: 8000 }, () => ping));
    const run = clients('run', perClient).map((calls) => serialize(server.url, calls));
    const inProcessCalls = clients('inproc', perClient).flat();
    await runHttp(server.url, warmup);
    const pingResult = await runHttp(server.url, pings);
    const http = await runHttp(server.url, run);
    const inProcess = await runInProcess(inProcessCalls);
    const storeOnly = await runStoreOnly(options.requests);
    const row = (name: string, s: Summary, extra = ''): string[] => [
      name, fmt.int(s.count), fmt.int(s.perSecond), fmt.ms(s.p50), fmt.ms(s.p95), fmt.ms(s.p99), extra,
    ];
    const target = http.perSecond >= 10_000 ? 'meets ≥ 10,000/s' : 'BELOW 10,000/s target';
    return table(
      `Ingest: mixed Create*/AddAssociation/Describe, ${CLIENTS} keep-alive clients`,
      ['path', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'note'],
      [
        row('HTTP, mixed workload', http, `${target}; ${http.errors} non-200`),
        row('baseline: HTTP GET /ping (same stack)', pingResult, `mixed = ${fmt.ratio(http.perSecond / pingResult.perSecond)} of ping`),
        row('baseline: API in-process, no HTTP', inProcess, 'validation + rules + store'),
        row('baseline: store writes only', storeOnly, '1 entity + 1 association per tx'),
      ],
    );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

