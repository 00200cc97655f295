/**
 * Ingest benchmark (DESIGN §9: at least 10,000 Create and AddAssociation requests/s over HTTP with
 * keep-alive and 8 concurrent clients). The same mixed workload is also run against baselines in
 * this run: a server that commits up to 256 writes at once (taking turns with the default one),
 * twice as many clients (eight clients that each wait for their answer leave the server
 * idle between a batch's COMMIT and the next requests, so this shows how much of the gap to
 * capacity is latency), the API on the socket thread, the HTTP stack alone (GET /ping), the API
 * in-process without HTTP (the default writer page cache taking turns with a 64 MiB one), and the
 * bare store writes without validation or protocol. Then the same HTTP workload and store writes
 * run on PostgreSQL: a throwaway cluster from the machine's binaries, with PostgreSQL's durable
 * defaults (fsync, synchronous commit), on the same machine as the server and the clients.
 *
 * A second table says where the CPU of the SQLite server's HTTP runs went (cpu-meter.ts): each
 * server thread and the load generator, per request, beside GET /ping and the in-process run, with
 * the rates that CPU allows. On a machine whose cores the load generator shares, they bound every
 * figure above.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageMakerApi } from '../src/api/service.js';
import { systemClock } from '../src/core/clock.js';
import { artifactId } from '../src/core/ids.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { COMMIT_BATCH, SqliteStore, WRITER_CACHE_KIB } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { startCluster } from '../test/postgres-cluster.js';
import { httpRequest, runLoad } from './http-load.js';
import { startServerProcess } from './serve-process.js';
import type { CpuPerRequest } from './cpu-meter.js';
import { CpuMeter } from './cpu-meter.js';
import type { Summary } from './stats.js';
import { fmt, summarize, table } from './stats.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
export const CLIENTS = 8;

export interface Call {
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

export function workload(client: number, totalPerClient: number, tag: string): Call[] {
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

/**
 * Runs the mixed workload (or GET /ping) with one lean keep-alive client per list. Requests are
 * built and serialized before the clock starts, so the figures measure the server. A meter given
 * records the CPU of the load alone.
 */
export async function runHttp(
  url: string | readonly string[],
  perClient: (client: number) => Call[] | 'ping',
  clients = CLIENTS,
  meter?: CpuMeter,
): Promise<Summary & { errors: number }> {
  const urls = typeof url === 'string' ? [url] : url;
  const requests = Array.from({ length: clients }, (_, client) => {
    const target = urls[client % urls.length] as string;
    const { hostname, port } = new URL(target);
    const calls = perClient(client);
    return calls === 'ping' ? Array.from({ length: 8000 }, () => httpRequest(hostname, Number(port), 'GET', '/ping', {})) : serialize(target, calls);
  });
  meter?.start();
  const result = await runLoad(urls, requests);
  meter?.stop(result.latenciesMs.length);
  return { ...summarize(result.latenciesMs, result.seconds), errors: result.non200 };
}

type HttpSummary = Summary & { errors: number };

/** The HTTP run's turns between the default server and the one with large commit batches. */
const HTTP_CHUNKS = 8;
/** The commit batch the default one is measured against: the size it was before it was 4. */
const LARGE_COMMIT_BATCH = 256;

/**
 * The mixed workload against two servers that differ only in their commit batch, taking turns in
 * {@link HTTP_CHUNKS} chunks (the order alternating), so a drift in the machine's speed falls on
 * both alike; each gets the same requests. The first server's chunks are metered.
 */
async function runHttpInterleaved(urls: readonly [string, string], perClient: number, meter?: CpuMeter): Promise<[HttpSummary, HttpSummary]> {
  const calls = Array.from({ length: CLIENTS }, (_, c) => workload(c, perClient, 'run'));
  const chunk = Math.ceil(perClient / HTTP_CHUNKS);
  const runs = urls.map(() => ({ latencies: [] as number[], seconds: 0, errors: 0 }));
  for (let from = 0, turn = 0; from < perClient; from += chunk, turn++) {
    for (const i of turn % 2 === 0 ? [0, 1] : [1, 0]) {
      const url = urls[i] as string;
      const requests = calls.map((list) => serialize(url, list.slice(from, from + chunk)));
      const metered = i === 0 ? meter : undefined;
      metered?.start();
      const result = await runLoad(url, requests);
      metered?.stop(result.latenciesMs.length);
      const run = runs[i] as (typeof runs)[number];
      for (const ms of result.latenciesMs) run.latencies.push(ms);
      run.seconds += result.seconds;
      run.errors += result.non200;
    }
  }
  const [a, b] = runs.map((r) => ({ ...summarize(r.latencies, r.seconds), errors: r.errors }));
  return [a as HttpSummary, b as HttpSummary];
}

/** One store and API for an in-process run. */
interface InProcessTarget {
  readonly dir: string;
  readonly store: SqliteStore;
  readonly api: SageMakerApi;
  readonly latencies: number[];
  seconds: number;
}

function inProcessTarget(writerCacheKiB: number): InProcessTarget {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const store = SqliteStore.open({ path: join(dir, 'stemma.db'), writerCacheKiB });
  return { dir, store, api: new SageMakerApi({ store, clock: systemClock, config: { quotas: null } }), latencies: [], seconds: 0 };
}

/** Chunks each run against both stores in turn, so a drift in the machine's speed falls on both alike. */
const IN_PROCESS_CHUNKS = 60;
/**
 * The in-process runs write this many times the HTTP run's requests: the writer's page cache
 * matters once the database outgrows it, as a server's does after a while.
 */
const IN_PROCESS_SCALE = 3;

/**
 * The workload in-process, without HTTP: {@link CLIENTS} concurrent chains of calls, so that
 * transactions share commits as they do in the server. It runs against two stores that differ only
 * in the writer's page cache (the default beside 64 MiB), taking turns in chunks.
 */
async function runInProcess(perClient: number): Promise<{ writerCache: Summary; largeWriterCache: Summary; cpu?: CpuPerRequest }> {
  const targets = [inProcessTarget(WRITER_CACHE_KIB), inProcessTarget(64 * 1024)] as const;
  // This process is the whole application here: its main thread does what the server's application thread does.
  const meter = CpuMeter.open(process.pid);
  const ctx = { scope: { account: ACCOUNT, region: REGION }, user: { IamIdentity: { PrincipalId: 'AKIDBENCH' } }, requestId: 'bench' };
  const chunk = Math.ceil(perClient / IN_PROCESS_CHUNKS);
  const run = async (target: InProcessTarget, calls: readonly Call[][], from: number, count: number, metered = false): Promise<void> => {
    const before = target.latencies.length;
    if (metered) meter?.start();
    const start = performance.now();
    await Promise.all(
      calls.map(async (list) => {
        for (const call of list.slice(from, from + count)) {
          const t = performance.now();
          JSON.stringify(await target.api.invoke(call.op, JSON.parse(call.body), ctx));
          target.latencies.push(performance.now() - t);
        }
      }),
    );
    target.seconds += (performance.now() - start) / 1000;
    if (metered) meter?.stop(target.latencies.length - before);
  };
  const measured = Array.from({ length: CLIENTS }, (_, c) => workload(c, perClient, 'inproc'));
  try {
    // Both warm up first (JIT, the files' first pages), unmeasured, as the HTTP runs do.
    const warmup = Array.from({ length: CLIENTS }, (_, c) => workload(c, 500, 'warmup'));
    for (const target of targets) {
      await run(target, warmup, 0, 500);
      target.latencies.length = 0;
      target.seconds = 0;
    }
    for (let from = 0, turn = 0; from < perClient; from += chunk, turn++) {
      const [first, second] = turn % 2 === 0 ? targets : ([targets[1], targets[0]] as const);
      await run(first, measured, from, chunk, first === targets[0]);
      await run(second, measured, from, chunk, second === targets[0]);
    }
  } finally {
    for (const t of targets) {
      await t.store.close();
      rmSync(t.dir, { recursive: true, force: true });
    }
  }
  return {
    writerCache: summarize(targets[0].latencies, targets[0].seconds),
    largeWriterCache: summarize(targets[1].latencies, targets[1].seconds),
    ...(meter ? { cpu: meter.perRequest() } : {}),
  };
}

/** The rows the workload writes, inserted straight into the store: no protocol, no validation, no rules. */
async function runStoreOnly(count: number, store: Store): Promise<Summary> {
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
  return summarize(latencies, seconds);
}

async function runSqliteStoreOnly(count: number): Promise<Summary> {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const store = SqliteStore.open({ path: join(dir, 'stemma.db') });
  try {
    return await runStoreOnly(count, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PostgresResults {
  readonly http: Summary & { errors: number };
  readonly storeOnly: Summary;
}

/** The HTTP workload against a server on PostgreSQL, then the bare store writes on a second database. */
async function runOnPostgres(perClient: number, storeWrites: number): Promise<PostgresResults> {
  const cluster = await startCluster({ durable: true });
  try {
    await cluster.createDatabase('stemma_http');
    const server = await startServerProcess(['--db', cluster.url('stemma_http'), '--quotas', 'off']);
    let http: Summary & { errors: number };
    try {
      await runHttp(server.url, (c) => workload(c, 500, 'warmup'));
      http = await runHttp(server.url, (c) => workload(c, perClient, 'run'));
    } finally {
      await server.stop();
    }
    await cluster.createDatabase('stemma_store');
    const store = await PostgresStore.open({ url: cluster.url('stemma_store') });
    try {
      return { http, storeOnly: await runStoreOnly(storeWrites, store) };
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
  }
}

interface SqliteResults {
  readonly http: Summary & { errors: number };
  /** The same requests to a server committing up to {@link LARGE_COMMIT_BATCH} writes at once, interleaved with them. */
  readonly largeBatch: HttpSummary;
  /** The same requests from twice as many clients: how far 8 clients are from the server's capacity. */
  readonly doubleClients: Summary & { errors: number };
  /** The same server with the API on the socket thread (`--single-thread`). */
  readonly singleThread: Summary & { errors: number };
  readonly ping: Summary;
  readonly inProcess: Summary;
  /** The same in-process run with a 64 MiB writer page cache, interleaved with it. */
  readonly inProcessLargeCache: Summary;
  readonly storeOnly: Summary;
  /** Where the CPU of the mixed workload's, the ping's and the in-process requests went; undefined off Linux. */
  readonly cpu?: { readonly mixed: CpuPerRequest; readonly ping: CpuPerRequest; readonly inProcess: CpuPerRequest };
}

async function runSingleThreaded(perClient: number): Promise<Summary & { errors: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const server = await startServerProcess(['--data', dir, '--quotas', 'off', '--single-thread']);
  try {
    await runHttp(server.url, (c) => workload(c, 500, 'warmup'));
    return await runHttp(server.url, (c) => workload(c, perClient, 'run'));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runOnSqlite(perClient: number, storeWrites: number): Promise<SqliteResults> {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const largeBatchDir = mkdtempSync(join(tmpdir(), 'stemma-bench-'));
  const server = await startServerProcess(['--data', dir, '--quotas', 'off']);
  const largeBatchServer = await startServerProcess(['--data', largeBatchDir, '--quotas', 'off', '--commit-batch', String(LARGE_COMMIT_BATCH)]);
  try {
    await runHttp(server.url, (c) => workload(c, 500, 'warmup'));
    await runHttp(largeBatchServer.url, (c) => workload(c, 500, 'warmup'));
    const pingMeter = CpuMeter.open(server.pid);
    const ping = await runHttp(server.url, () => 'ping', CLIENTS, pingMeter);
    const mixedMeter = CpuMeter.open(server.pid);
    const [http, largeBatch] = await runHttpInterleaved([server.url, largeBatchServer.url], perClient, mixedMeter);
    await largeBatchServer.stop();
    const doubleClients = await runHttp(server.url, (c) => workload(c, Math.ceil(perClient / 2), 'double'), 2 * CLIENTS);
    const singleThread = await runSingleThreaded(perClient);
    const inProcess = await runInProcess(IN_PROCESS_SCALE * perClient);
    const storeOnly = await runSqliteStoreOnly(storeWrites);
    const cpu =
      mixedMeter && pingMeter && inProcess.cpu ? { mixed: mixedMeter.perRequest(), ping: pingMeter.perRequest(), inProcess: inProcess.cpu } : undefined;
    return { http, largeBatch, doubleClients, singleThread, ping, inProcess: inProcess.writerCache, inProcessLargeCache: inProcess.largeWriterCache, storeOnly, cpu };
  } finally {
    await server.stop();
    await largeBatchServer.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(largeBatchDir, { recursive: true, force: true });
  }
}

export async function ingestBenchmark(options: { requests: number }): Promise<string> {
  const perClient = Math.ceil(options.requests / CLIENTS);
  const { http, largeBatch, doubleClients, singleThread, ping, inProcess, inProcessLargeCache, storeOnly, cpu } = await runOnSqlite(perClient, options.requests);
  // Sequential store writes wait for a durable commit each on PostgreSQL: fewer keep the run short.
  const pg = await runOnPostgres(perClient, Math.ceil(options.requests / 8));
  const row = (name: string, s: Summary, extra = ''): string[] => [
    name, fmt.int(s.count), fmt.int(s.perSecond), fmt.ms(s.p50), fmt.ms(s.p95), fmt.ms(s.p99), extra,
  ];
  const target = (s: Summary): string => (s.perSecond >= 10_000 ? 'meets ≥ 10,000/s' : 'BELOW 10,000/s target');
  const throughput = table(
    `Ingest: mixed Create*/AddAssociation/Describe, ${CLIENTS} keep-alive clients`,
    ['path', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'note'],
    [
      row('HTTP, mixed workload (SQLite)', http, `${target(http)}; ${http.errors} non-200`),
      row(
        `baseline: same, commits of up to ${LARGE_COMMIT_BATCH} writes`,
        largeBatch,
        `${COMMIT_BATCH} = ${fmt.ratio(http.perSecond / largeBatch.perSecond)} of this; interleaved; ${largeBatch.errors} non-200`,
      ),
      row(`baseline: same, ${2 * CLIENTS} clients`, doubleClients, `${CLIENTS} clients = ${fmt.ratio(http.perSecond / doubleClients.perSecond)} of this; ${doubleClients.errors} non-200`),
      row('baseline: same, API on the socket thread', singleThread, `threaded = ${fmt.ratio(http.perSecond / singleThread.perSecond)} of this; ${singleThread.errors} non-200`),
      row('baseline: HTTP GET /ping (same stack)', ping, `mixed = ${fmt.ratio(http.perSecond / ping.perSecond)} of ping`),
      row('baseline: API in-process, no HTTP', inProcess, `validation + rules + store, ${CLIENTS} chains, ${IN_PROCESS_SCALE}× the requests`),
      row('baseline: same, writer cache 64 MiB', inProcessLargeCache, `${WRITER_CACHE_KIB / 1024} MiB = ${fmt.ratio(inProcess.perSecond / inProcessLargeCache.perSecond)} of this; interleaved`),
      row('baseline: store writes only (SQLite)', storeOnly, '1 entity + 1 association per tx'),
      row('HTTP, mixed workload (PostgreSQL)', pg.http, `${target(pg.http)}; ${fmt.ratio(pg.http.perSecond / http.perSecond)} of SQLite; ${pg.http.errors} non-200`),
      row('baseline: store writes only (PostgreSQL)', pg.storeOnly, '1 entity + 1 association per tx, one client'),
    ],
  );
  return cpu ? `${throughput}\n${cpuTable(cpu)}` : throughput;
}

/**
 * The CPU one request cost each thread in the runs above, and the two rates that cost allows:
 * requests/s cannot pass cores ÷ CPU per request (every core busy with this load alone), nor one
 * core ÷ the application thread's CPU per request (the store has one writer, on that thread).
 */
function cpuTable(cpu: { mixed: CpuPerRequest; ping: CpuPerRequest; inProcess: CpuPerRequest }): string {
  const micros = (n: number): string => n.toFixed(1);
  const served = (c: CpuPerRequest): ThreadCpu => ({
    socket: c.mainThread, application: c.busiestOtherThread, others: c.otherThreads, loadGenerator: c.thisProcess, busy: c.machineBusy, cores: c.cores,
  });
  // The in-process run meters the benchmark's own process: its main thread does the application
  // thread's work, and there is no socket thread nor a load generator apart from it.
  const inProcess = (c: CpuPerRequest): ThreadCpu => ({
    application: c.mainThread, others: c.busiestOtherThread + c.otherThreads, busy: c.machineBusy, cores: c.cores,
  });
  const total = (c: ThreadCpu): number => (c.socket ?? 0) + c.application + c.others + (c.loadGenerator ?? 0);
  const columns = [served(cpu.mixed), served(cpu.ping), inProcess(cpu.inProcess)];
  const optional = (n: number | undefined): string => (n === undefined ? '–' : micros(n));
  const rows: [string, (c: ThreadCpu) => string][] = [
    ['server: socket thread', (c) => optional(c.socket)],
    ['server: application thread', (c) => micros(c.application)],
    ['server: other threads (checkpointer, V8, libuv)', (c) => micros(c.others)],
    ['load generator (this process)', (c) => optional(c.loadGenerator)],
    ['all of them', (c) => micros(total(c))],
    [`machine busy while measured (${cpu.mixed.cores} cores)`, (c) => `${(100 * c.busy).toFixed(0)}%`],
    [`ceiling: ${cpu.mixed.cores} cores ÷ CPU per request`, (c) => `${fmt.int((c.cores * 1e6) / total(c))} req/s`],
    // The application thread runs every request in turn, so it bounds the rate even with cores to spare.
    ['ceiling: 1 core ÷ application thread CPU', (c) => `${fmt.int(1e6 / c.application)} req/s`],
  ];
  return table(
    `Ingest: CPU per request (µs), SQLite, ${CLIENTS} clients`,
    ['', 'HTTP, mixed workload', 'baseline: GET /ping', 'baseline: API in-process'],
    rows.map(([name, value]) => [name, ...columns.map(value)]),
  );
}

/** One column of {@link cpuTable}: CPU microseconds per request by thread. */
interface ThreadCpu {
  readonly socket?: number;
  readonly application: number;
  readonly others: number;
  readonly loadGenerator?: number;
  readonly busy: number;
  readonly cores: number;
}
