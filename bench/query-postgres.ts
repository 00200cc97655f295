/**
 * QueryLineage on PostgreSQL beside SQLite (DESIGN §9): the same generated platform graph
 * (bench/platform-graph.ts, built in SQLite and copied row for row, ids included, into a
 * PostgreSQL database), the depth-10 Ascendants query from an endpoint, p50 in-process and over
 * HTTP against a `stemma serve` process on each backend. Baselines in the same run: on PostgreSQL
 * one recursive CTE (the whole traversal in one statement), on SQLite the bare BFS over adjacency
 * arrays. Both backends run at the same size, smaller than the 1M of `bench query` by default, so
 * loading PostgreSQL keeps the suite short.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Pool } from 'undici';
import { SageMakerApi } from '../src/api/service.js';
import { systemClock } from '../src/core/clock.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { startCluster } from '../test/postgres-cluster.js';
import type { Measured, Shape } from './query.js';
import { BareGraph, counted, ensureGraph, httpQuery, inProcess, measure, shapesOf } from './query.js';
import { startServerProcess } from './serve-process.js';
import type { Summary } from './stats.js';
import { fmt, table } from './stats.js';

const BATCH = 20_000;

export interface PostgresQueryBenchOptions {
  readonly entities: number;
  readonly seed: number;
  readonly iterations: number;
}

/** Copies the graph's entities and associations from the SQLite file into a migrated PostgreSQL database. */
async function copyGraph(sqlitePath: string, url: string): Promise<number> {
  const started = performance.now();
  const source = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const entityRows = source
      .prepare('SELECT id, arn, account, region, kind, name, type, source_uri, properties, created_at, modified_at, automatic FROM entities ORDER BY id')
      .raw()
      .iterate() as Iterable<unknown[]>;
    let batch: unknown[][] = [];
    const flushEntities = async (): Promise<void> => {
      if (batch.length === 0) return;
      const col = (i: number): unknown[] => batch.map((r) => r[i]);
      await client.query(
        `INSERT INTO entities (id, arn, account, region, kind, name, type, source_uri, properties, created_at, modified_at, automatic)
         OVERRIDING SYSTEM VALUE
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::bigint[], $11::bigint[], $12::boolean[])`,
        [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7), col(8), col(9), col(10), batch.map((r) => r[11] === 1)],
      );
      batch = [];
    };
    for (const row of entityRows) {
      batch.push(row);
      if (batch.length >= BATCH) await flushEntities();
    }
    await flushEntities();
    const associationRows = source
      .prepare('SELECT source_id, destination_id, type, account, region, created_at, automatic FROM associations ORDER BY id')
      .raw()
      .iterate() as Iterable<unknown[]>;
    const flushAssociations = async (): Promise<void> => {
      if (batch.length === 0) return;
      const col = (i: number): unknown[] => batch.map((r) => r[i]);
      await client.query(
        `INSERT INTO associations (source_id, destination_id, type, account, region, created_at, automatic)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::boolean[])`,
        [col(0), col(1), col(2), col(3), col(4), col(5), batch.map((r) => r[6] === 1)],
      );
      batch = [];
    };
    for (const row of associationRows) {
      batch.push(row);
      if (batch.length >= BATCH) await flushAssociations();
    }
    await flushAssociations();
    await client.query(`SELECT setval(pg_get_serial_sequence('entities', 'id'), (SELECT max(id) FROM entities))`);
    await client.query('VACUUM ANALYZE entities');
    await client.query('VACUUM ANALYZE associations');
  } finally {
    source.close();
    await client.end();
  }
  return performance.now() - started;
}

/** The PostgreSQL baseline: the whole depth-bounded traversal as one recursive CTE, vertices with their ARNs. */
const RECURSIVE_ASCENDANTS = `
  WITH RECURSIVE walk(id, depth) AS (
    SELECT e.id, 0 FROM entities e WHERE e.arn = $1
    UNION
    SELECT a.source_id, w.depth + 1 FROM walk w JOIN associations a ON a.destination_id = w.id WHERE w.depth < $2
  )
  SELECT e.arn, e.kind, e.type FROM (SELECT DISTINCT id FROM walk) v JOIN entities e ON e.id = v.id`;

async function postgresInProcess(url: string, shape: Shape, iterations: number): Promise<Measured> {
  const store = await PostgresStore.open({ url });
  try {
    const api = new SageMakerApi({ store, clock: systemClock, config: { quotas: null } });
    const ctx = { scope: { account: '000000000000', region: 'us-east-1' }, user: {}, requestId: 'bench' };
    let last: unknown;
    const summary = await measure(iterations, async () => {
      last = await api.invoke('QueryLineage', shape.request, ctx);
      JSON.stringify(last);
    });
    return { summary, ...counted(last) };
  } finally {
    await store.close();
  }
}

async function overHttp(args: readonly string[], shape: Shape, iterations: number): Promise<Measured> {
  const server = await startServerProcess(args);
  const pool = new Pool(server.url, { connections: 1, pipelining: 1 });
  try {
    let last: unknown;
    const summary = await measure(iterations, async () => (last = await httpQuery(pool, shape.request)));
    return { summary, ...counted(last) };
  } finally {
    await pool.close();
    await server.stop();
  }
}

export async function postgresQueryBenchmark(options: PostgresQueryBenchOptions): Promise<string> {
  const { dir, graph, built } = await ensureGraph(options.entities, options.seed);
  const path = join(dir, 'stemma.db');
  const shape = shapesOf(graph)[0] as Shape;

  // SQLite at the same size: the index path, and SQL per BFS level (what PostgreSQL also does).
  const indexed = (await inProcess(path, 'eager', [shape], options.iterations)).results[0] as Measured;
  const sqlLevels = (await inProcess(path, 'off', [shape], options.iterations)).results[0] as Measured;
  const sqliteHttp = await overHttp(['--data', dir, '--quotas', 'off'], shape, options.iterations);
  const raw = new Database(path, { readonly: true });
  const bare = new BareGraph(raw);
  const startId = (raw.prepare('SELECT id FROM entities WHERE arn = ?').get(shape.startArn) as { id: number }).id;
  raw.close();
  let bareVisited = 0;
  const floor = await measure(options.iterations * 4, () => (bareVisited = bare.bfs(startId, shape.direction, shape.maxDepth)));

  const cluster = await startCluster({ durable: true });
  try {
    await cluster.createDatabase('stemma_graph');
    const url = cluster.url('stemma_graph');
    await (await PostgresStore.open({ url })).close();
    const loadMs = await copyGraph(path, url);
    const pgInProcess = await postgresInProcess(url, shape, options.iterations);
    const pgHttp = await overHttp(['--db', url, '--data', dir, '--quotas', 'off'], shape, options.iterations);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let cteVertices = 0;
    let cte: Summary;
    try {
      cte = await measure(options.iterations, async () => {
        cteVertices = (await client.query(RECURSIVE_ASCENDANTS, [shape.startArn, shape.maxDepth])).rowCount ?? 0;
      });
    } finally {
      await client.end();
    }

    const row = (name: string, m: { summary: Summary }, vertices: string, edges: string, note: string): string[] => [
      name, vertices, edges, fmt.ms(m.summary.p50), fmt.ms(m.summary.p95), fmt.ms(m.summary.p99), note,
    ];
    const measured = (name: string, m: Measured, note: string): string[] => row(name, m, fmt.int(m.vertices), fmt.int(m.edges), note);
    const vsCte = (m: Measured): string => `${fmt.ratio(m.summary.p50 / cte.p50)} of the CTE`;
    const vsFloor = (m: Measured): string => `${fmt.ratio(m.summary.p50 / floor.p50)} of bare BFS`;
    return table(
      `QueryLineage on PostgreSQL beside SQLite: ${shape.name}; the same ${fmt.int(graph.entities)}-entity, ${fmt.int(graph.associations)}-association graph on both ` +
        `(SQLite graph ${built}; copied into PostgreSQL in ${fmt.int(loadMs / 1000)} s)`,
      ['path', 'vertices', 'edges', 'p50 ms', 'p95 ms', 'p99 ms', 'note'],
      [
        measured('PostgreSQL, in-process (SQL per BFS level)', pgInProcess, vsCte(pgInProcess)),
        measured('PostgreSQL, HTTP, server process', pgHttp, vsCte(pgHttp)),
        row('baseline: PostgreSQL recursive CTE, one statement', { summary: cte }, fmt.int(cteVertices), '', 'vertices only, no edges, no filters'),
        measured('SQLite, in-process, in-memory index', indexed, vsFloor(indexed)),
        measured('SQLite, HTTP, server process (index)', sqliteHttp, vsFloor(sqliteHttp)),
        measured('SQLite, in-process, SQL per BFS level', sqlLevels, vsFloor(sqlLevels)),
        row('baseline: bare BFS, adjacency arrays', { summary: floor }, `${fmt.int(bareVisited)} visited`, '', 'traversal only'),
      ],
    );
  } finally {
    await cluster.stop();
  }
}
