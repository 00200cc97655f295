/**
 * `npm run bench [suite…]`: runs the benchmark suites and prints one Markdown table per figure,
 * each beside baselines measured in the same run (absolute times drift on shared machines).
 */
import { cpus } from 'node:os';
import { authBenchmark } from './auth.js';
import { cpuReferenceMs } from './cpu-reference.js';
import { ingestBenchmark } from './ingest.js';
import { threadsBenchmark } from './threads.js';
import { queryBenchmark } from './query.js';
import { postgresQueryBenchmark } from './query-postgres.js';
import { replicasBenchmark } from './replicas.js';
import { searchBenchmark } from './search.js';

const SUITES: Record<string, () => Promise<string>> = {
  ingest: () => ingestBenchmark({ requests: Number(process.env['BENCH_REQUESTS'] ?? 80_000) }),
  auth: () =>
    authBenchmark({
      requests: Number(process.env['BENCH_REQUESTS'] ?? 80_000),
      authentications: Number(process.env['BENCH_AUTHENTICATIONS'] ?? 20_000),
    }),
  query: () =>
    queryBenchmark({
      entities: Number(process.env['BENCH_ENTITIES'] ?? 1_000_000),
      seed: Number(process.env['BENCH_SEED'] ?? 1),
      iterations: Number(process.env['BENCH_ITERATIONS'] ?? 500),
    }),
  'query-postgres': () =>
    postgresQueryBenchmark({
      entities: Number(process.env['BENCH_PG_ENTITIES'] ?? 100_000),
      seed: Number(process.env['BENCH_SEED'] ?? 1),
      iterations: Number(process.env['BENCH_ITERATIONS'] ?? 300),
    }),
  threads: () =>
    threadsBenchmark({ roundTrips: Number(process.env['BENCH_ROUND_TRIPS'] ?? 200_000) }),
  replicas: () => replicasBenchmark({ requests: Number(process.env['BENCH_REPLICA_REQUESTS'] ?? 40_000) }),
  search: () =>
    searchBenchmark({
      documents: Number(process.env['BENCH_SEARCH_DOCUMENTS'] ?? 100_000),
      runs: Number(process.env['BENCH_SEARCH_RUNS'] ?? 30),
      // 0 leaves PostgreSQL out.
      postgresDocuments: Number(process.env['BENCH_SEARCH_PG_DOCUMENTS'] ?? 20_000),
    }),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length > 0 ? wanted : Object.keys(SUITES);
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) throw new Error(`Unknown benchmark suite(s): ${unknown.join(', ')}. Known: ${Object.keys(SUITES).join(', ')}`);
  process.stdout.write(`## Stemma benchmarks\n\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  const reference = (): string => `${cpuReferenceMs().toFixed(0)} ms`;
  process.stdout.write(`CPU reference loop (bench/cpu-reference.ts; lower is faster): ${reference()} before the suites\n`);
  for (const name of names) process.stdout.write(`${await (SUITES[name] as () => Promise<string>)()}\n`);
  process.stdout.write(`CPU reference loop: ${reference()} after the suites\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
