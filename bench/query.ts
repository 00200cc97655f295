/**
 * QueryLineage benchmark (DESIGN §9): on a generated platform graph (bench/platform-graph.ts; 1M
 * entities and ~3M associations by default, cached between runs in the temp directory), three query
 * shapes measured
 * - in-process through the API (validation + engine + page), from the in-memory index and from SQL
 *   (one statement per BFS level and direction: the path any Store backend has);
 * - over HTTP against a `stemma serve` process on the same database;
 * and, in the same run, two baselines over the same graph: a bare BFS over adjacency arrays (the
 * floor: traversal only, no ARNs, no filters, no response) and a naive per-hop SQL traversal (one
 * query per visited vertex). Plus the server's cold start (process start to the first answered
 * QueryLineage) and its resident memory.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { Pool } from 'undici';
import { SageMakerApi } from '../src/api/service.js';
import { systemClock } from '../src/core/clock.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { PlatformGraph } from './platform-graph.js';
import { generatePlatformGraph } from './platform-graph.js';
import { startServerProcess } from './serve-process.js';
import type { Summary } from './stats.js';
import { fmt, summarize, table } from './stats.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
/** Bump when the generator's output changes, so a stale cached graph is never measured. */
const GENERATOR_VERSION = 3;

export interface QueryBenchOptions {
  readonly entities: number;
  readonly seed: number;
  /** Per measured path and shape; slow paths stop earlier at a time budget. */
  readonly iterations: number;
}

export interface Shape {
  readonly name: string;
  readonly startArn: string;
  readonly direction: 'Ascendants' | 'Descendants' | 'Both';
  readonly maxDepth: number;
  readonly request: Record<string, unknown>;
}

export function shapesOf(graph: PlatformGraph): Shape[] {
  const shape = (name: string, startArn: string, direction: Shape['direction'], maxDepth: number, extra: Record<string, unknown>): Shape => ({
    name,
    startArn,
    direction,
    maxDepth,
    request: { StartArns: [startArn], Direction: direction, MaxDepth: maxDepth, ...extra },
  });
  return [
    shape('Ascendants from an endpoint, depth 10, edges', graph.endpointArn, 'Ascendants', 10, { IncludeEdges: true }),
    shape('Descendants from a reused dataset → Endpoint', graph.datasetArn, 'Descendants', 10, { Filters: { Types: ['Endpoint'] } }),
    shape('Both from a model, depth 10, first 50', graph.modelArn, 'Both', 10, { MaxResults: 50 }),
  ];
}

/** Builds (or reuses) the graph's data directory. */
export async function ensureGraph(entities: number, seed: number): Promise<{ dir: string; graph: PlatformGraph; built: string }> {
  const dir = join(tmpdir(), `stemma-bench-lineage-v${GENERATOR_VERSION}-${entities}-${seed}`);
  const marker = join(dir, 'graph.json');
  if (existsSync(marker)) {
    return { dir, graph: JSON.parse(readFileSync(marker, 'utf8')) as PlatformGraph, built: 'cached' };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'stemma.db');
  await SqliteStore.open({ path, lineageIndex: 'off' }).close();
  const started = performance.now();
  // A fresh file nobody else reads: no WAL and no fsync while loading, then back to Stemma's WAL.
  const db = new Database(path);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  const graph = await generatePlatformGraph(db, { entities, seed });
  db.pragma('journal_mode = WAL');
  db.close();
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(marker, JSON.stringify(graph));
  return { dir, graph, built: `built in ${seconds.toFixed(1)} s` };
}

/** Runs `fn` `iterations` times (fewer when one run is slow), after a warm-up; latencies in ms. */
export async function measure(iterations: number, fn: () => unknown): Promise<Summary> {
  const budgetMs = 4_000;
  const warm = performance.now();
  for (let i = 0; i < Math.min(20, iterations) && performance.now() - warm < budgetMs / 4; i++) await fn();
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < iterations && (i < 3 || performance.now() - start < budgetMs); i++) {
    const t = performance.now();
    await fn();
    latencies.push(performance.now() - t);
  }
  return summarize(latencies, (performance.now() - start) / 1000);
}

export interface Measured {
  readonly summary: Summary;
  readonly vertices: number;
  readonly edges: number;
}

export function counted(response: unknown): { vertices: number; edges: number } {
  const r = response as { Vertices?: unknown[]; Edges?: unknown[] };
  return { vertices: r.Vertices?.length ?? 0, edges: r.Edges?.length ?? 0 };
}

export async function inProcess(path: string, mode: 'eager' | 'off', shapes: readonly Shape[], iterations: number): Promise<{ results: Measured[]; buildMs?: number }> {
  const store = SqliteStore.open({ path, lineageIndex: mode });
  try {
    if (mode === 'eager') await store.lineage.whenBuilt();
    const api = new SageMakerApi({ store, clock: systemClock, config: { quotas: null } });
    const ctx = { scope: { account: ACCOUNT, region: REGION }, user: {}, requestId: 'bench' };
    const results: Measured[] = [];
    for (const shape of shapes) {
      let last: unknown;
      const summary = await measure(iterations, async () => {
        last = await api.invoke('QueryLineage', shape.request, ctx);
        JSON.stringify(last);
      });
      results.push({ summary, ...counted(last) });
    }
    return { results, buildMs: store.lineage.stats.buildMs };
  } finally {
    await store.close();
  }
}

/** The floor: adjacency arrays (CSR, both directions) and a BFS that only counts what it visits. */
export class BareGraph {
  private readonly outStart: Int32Array;
  private readonly outEnds: Int32Array;
  private readonly inStart: Int32Array;
  private readonly inEnds: Int32Array;
  private readonly stamp: Int32Array;
  private epoch = 0;

  constructor(db: Db) {
    const n = (db.prepare('SELECT max(id) AS n FROM entities').get() as { n: number }).n + 1;
    const m = (db.prepare('SELECT count(*) AS m FROM associations').get() as { m: number }).m;
    const src = new Int32Array(m);
    const dst = new Int32Array(m);
    let i = 0;
    for (const [s, d] of db.prepare('SELECT source_id, destination_id FROM associations').raw().iterate() as Iterable<[number, number]>) {
      src[i] = s;
      dst[i] = d;
      i++;
    }
    [this.outStart, this.outEnds] = BareGraph.csr(n, src, dst);
    [this.inStart, this.inEnds] = BareGraph.csr(n, dst, src);
    this.stamp = new Int32Array(n);
  }

  private static csr(n: number, from: Int32Array, to: Int32Array): [Int32Array, Int32Array] {
    const start = new Int32Array(n + 1);
    for (const f of from) start[f + 1]!++;
    for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
    const fill = start.slice(0, n);
    const ends = new Int32Array(from.length);
    for (let i = 0; i < from.length; i++) ends[fill[from[i]!]!++] = to[i]!;
    return [start, ends];
  }

  bfs(start: number, direction: Shape['direction'], maxDepth: number): number {
    const epoch = ++this.epoch;
    this.stamp[start] = epoch;
    let frontier = [start];
    let visited = 1;
    const step = (v: number, starts: Int32Array, ends: Int32Array, next: number[]): void => {
      for (let i = starts[v]!, end = starts[v + 1]!; i < end; i++) {
        const w = ends[i]!;
        if (this.stamp[w] !== epoch) {
          this.stamp[w] = epoch;
          next.push(w);
        }
      }
    };
    for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
      const next: number[] = [];
      for (const v of frontier) {
        if (direction !== 'Ascendants') step(v, this.outStart, this.outEnds, next);
        if (direction !== 'Descendants') step(v, this.inStart, this.inEnds, next);
      }
      visited += next.length;
      frontier = next;
    }
    return visited;
  }
}

/** What a straightforward implementation does: one query per visited vertex (and direction). */
function naiveSqlTraversal(db: Db): (start: string, direction: Shape['direction'], maxDepth: number) => number {
  const byArn = db.prepare('SELECT id FROM entities WHERE arn = ?');
  const out = db.prepare('SELECT a.destination_id AS id, e.arn, e.kind, e.type, a.type AS association FROM associations a JOIN entities e ON e.id = a.destination_id WHERE a.source_id = ?');
  const inward = db.prepare('SELECT a.source_id AS id, e.arn, e.kind, e.type, a.type AS association FROM associations a JOIN entities e ON e.id = a.source_id WHERE a.destination_id = ?');
  return (start, direction, maxDepth) => {
    const first = (byArn.get(start) as { id: number }).id;
    const depth = new Map<number, number>([[first, 0]]);
    const queue = [first];
    for (let i = 0; i < queue.length; i++) {
      const v = queue[i] as number;
      const d = depth.get(v) as number;
      if (d >= maxDepth) continue;
      const rows = [
        ...(direction !== 'Ascendants' ? (out.all(v) as { id: number }[]) : []),
        ...(direction !== 'Descendants' ? (inward.all(v) as { id: number }[]) : []),
      ];
      for (const r of rows) {
        if (!depth.has(r.id)) {
          depth.set(r.id, d + 1);
          queue.push(r.id);
        }
      }
    }
    return depth.size;
  };
}

const AUTH = `AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261121/${REGION}/sagemaker/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0`;

export async function httpQuery(pool: Pool, request: Record<string, unknown>): Promise<unknown> {
  const res = await pool.request({
    path: '/',
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.QueryLineage', authorization: AUTH },
    body: JSON.stringify(request),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`QueryLineage answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function rssOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

export async function queryBenchmark(options: QueryBenchOptions): Promise<string> {
  const { dir, graph, built } = await ensureGraph(options.entities, options.seed);
  const path = join(dir, 'stemma.db');
  const shapes = shapesOf(graph);

  // In-process, from SQL and from the index (each on its own store: one process per data directory).
  const sql = await inProcess(path, 'off', shapes, options.iterations);
  const indexed = await inProcess(path, 'eager', shapes, options.iterations);

  // Baselines over the same graph.
  const raw = new Database(path, { readonly: true });
  const bare = new BareGraph(raw);
  const idOf = (arn: string): number => (raw.prepare('SELECT id FROM entities WHERE arn = ?').get(arn) as { id: number }).id;
  const floor: { summary: Summary; visited: number }[] = [];
  const naive: { summary: Summary; visited: number }[] = [];
  const walk = naiveSqlTraversal(raw);
  for (const s of shapes) {
    const start = idOf(s.startArn);
    let visited = 0;
    floor.push({ summary: await measure(options.iterations * 4, () => (visited = bare.bfs(start, s.direction, s.maxDepth))), visited });
    naive.push({ summary: await measure(options.iterations, () => (visited = walk(s.startArn, s.direction, s.maxDepth))), visited });
  }
  raw.close();

  // Over HTTP: a server process on the same database, from its start.
  const spawned = performance.now();
  const server = await startServerProcess(['--data', dir, '--quotas', 'off']);
  const listening = performance.now() - spawned;
  const pool = new Pool(server.url, { connections: 1, pipelining: 1 });
  const http: Measured[] = [];
  let coldStart = NaN;
  let indexReady: Record<string, unknown> = {};
  let memory = { rss: NaN, peak: NaN };
  try {
    await httpQuery(pool, (shapes[0] as Shape).request);
    coldStart = performance.now() - spawned;
    indexReady = await server.waitForLog('lineage index ready');
    for (const shape of shapes) {
      let last: unknown;
      const summary = await measure(options.iterations, async () => (last = await httpQuery(pool, shape.request)));
      http.push({ summary, ...counted(last) });
    }
    memory = await rssOf(server.pid);
  } finally {
    await pool.close();
    await server.stop();
  }

  const rows: string[][] = [];
  shapes.forEach((shape, i) => {
    const f = floor[i] as { summary: Summary; visited: number };
    const row = (path: string, m: Measured, note = ''): string[] => [
      path, fmt.int(m.vertices), fmt.int(m.edges), fmt.ms(m.summary.p50), fmt.ms(m.summary.p95), fmt.ms(m.summary.p99),
      `${fmt.ratio(m.summary.p50 / f.summary.p50)}${note ? `; ${note}` : ''}`,
    ];
    const base = (path: string, b: { summary: Summary; visited: number }): string[] => [
      path, `${fmt.int(b.visited)} visited`, '', fmt.ms(b.summary.p50), fmt.ms(b.summary.p95), fmt.ms(b.summary.p99), fmt.ratio(b.summary.p50 / f.summary.p50),
    ];
    rows.push([`**${shape.name}**`, '', '', '', '', '', '']);
    rows.push(row('in-process, in-memory index', indexed.results[i] as Measured));
    rows.push(row('HTTP, server process (index)', http[i] as Measured));
    rows.push(row('in-process, SQL per BFS level', sql.results[i] as Measured));
    rows.push(base('baseline: bare BFS, adjacency arrays (whole depth)', f));
    rows.push(base('baseline: naive per-hop SQL', naive[i] as { summary: Summary; visited: number }));
  });

  const a = { inProcess: (indexed.results[0] as Measured).summary.p50, http: (http[0] as Measured).summary.p50, floor: (floor[0] as { summary: Summary }).summary.p50 };
  const verdict = (ok: boolean): string => (ok ? 'meets' : 'MISSES');
  const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  const targets = [
    ['depth-10 Ascendants from an endpoint, in-process p50', `${fmt.ms(a.inProcess)} ms`, '≤ 1 ms', verdict(a.inProcess <= 1)],
    ['… over HTTP p50', `${fmt.ms(a.http)} ms`, '≤ 3 ms', verdict(a.http <= 3)],
    ['… in-process p50 / bare BFS p50', fmt.ratio(a.inProcess / a.floor), '≤ 5×', verdict(a.inProcess / a.floor <= 5)],
    ['server cold start → first answered QueryLineage', `${fmt.int(coldStart)} ms`, '< 1,000 ms', verdict(coldStart < 1000)],
    ['… of which process start → listening', `${fmt.int(listening)} ms`, '', ''],
    ['lineage index build in the server (background)', `${fmt.int(Number(indexReady['buildMs'] ?? NaN))} ms`, '', 'queries answered from SQL meanwhile'],
    ['server RSS after the queries (peak)', `${gib(memory.rss)} (${gib(memory.peak)})`, '< 1.5 GiB', verdict(memory.peak < 1.5 * 2 ** 30)],
  ];
  return [
    table(
      `QueryLineage: ${fmt.int(graph.entities)} entities, ${fmt.int(graph.associations)} associations (graph ${built}; index build in-process ${fmt.int(indexed.buildMs ?? NaN)} ms)`,
      ['shape / path', 'vertices', 'edges', 'p50 ms', 'p95 ms', 'p99 ms', '× floor p50'],
      rows,
    ),
    '\nIn-process times include validation, the snapshot read, the engine and JSON serialization of the answer. ' +
      'The baselines traverse everything within MaxDepth; the engine stops once a page is decided (the Both shape).',
    table('QueryLineage targets (DESIGN §9)', ['figure', 'measured', 'target', ''], targets),
  ].join('\n');
}
