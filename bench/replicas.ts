/**
 * Two replicas on one PostgreSQL (DESIGN §8): the ingest benchmark's mixed workload (bench/ingest.ts,
 * 8 keep-alive clients) against one `stemma serve` process on PostgreSQL, then against two on the
 * same database with the clients split evenly between them, in the same run on the same durable
 * throwaway cluster. Each run writes to a database of its own, so neither starts fuller.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../test/postgres-cluster.js';
import { runHttp, workload } from './ingest.js';
import type { ServerProcess } from './serve-process.js';
import { startServerProcess } from './serve-process.js';
import type { Summary } from './stats.js';
import { fmt, table } from './stats.js';

async function withReplicas<T>(count: number, url: string, run: (urls: string[]) => Promise<T>): Promise<T> {
  const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), 'stemma-bench-replica-')));
  const servers: ServerProcess[] = [];
  try {
    for (const dir of dirs) servers.push(await startServerProcess(['--db', url, '--data', dir, '--quotas', 'off']));
    return await run(servers.map((s) => s.url));
  } finally {
    for (const s of servers) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export async function replicasBenchmark(options: { requests: number }): Promise<string> {
  const perClient = Math.ceil(options.requests / 8);
  const cluster = await startCluster({ durable: true });
  const results: { replicas: number; summary: Summary & { errors: number } }[] = [];
  try {
    for (const replicas of [1, 2]) {
      const database = `stemma_replicas_${replicas}`;
      await cluster.createDatabase(database);
      const summary = await withReplicas(replicas, cluster.url(database), async (urls) => {
        await runHttp(urls, (c) => workload(c, 300, `warmup${replicas}`));
        return runHttp(urls, (c) => workload(c, perClient, `run${replicas}`));
      });
      results.push({ replicas, summary });
    }
  } finally {
    await cluster.stop();
  }
  const one = results[0]?.summary.perSecond ?? NaN;
  return table(
    `Replicas on one PostgreSQL: mixed Create*/AddAssociation/Describe, 8 keep-alive clients split across the replicas (${cpus().length} cores shared by PostgreSQL, the replicas and the clients)`,
    ['replicas', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'note'],
    results.map(({ replicas, summary: s }) => [
      replicas === 1 ? '1 (baseline)' : String(replicas),
      fmt.int(s.count), fmt.int(s.perSecond), fmt.ms(s.p50), fmt.ms(s.p95), fmt.ms(s.p99),
      `${fmt.ratio(s.perSecond / one)} of one replica; ${s.errors} non-200`,
    ]),
  );
}
