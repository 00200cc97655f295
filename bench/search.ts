/**
 * Search benchmark (issue 4: a filtered, sorted Search over 100,000 trial components answers in
 * ≤ 50 ms p50). Builds a tracking history through the same code paths the API uses (trial
 * components with parameters, input/output artifacts, tags, trial membership and metrics, each
 * write indexing the search projection), then times data-scientist queries:
 * - in-process through the store's search engine (auto plan, and each plan forced),
 * - over HTTP against a `stemma serve` process on the same database,
 * and, in the same run, two baselines without the projection index: the naive reference evaluator
 * over every document already in memory, and the same evaluator over the stored documents read
 * and parsed per query (a plain scan).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import type { ApiDeps, RequestContext } from '../src/api/context.js';
import { createTrialComponent } from '../src/api/experiments/trial-components.js';
import { TRIAL_COMPONENT_SEARCH } from '../src/api/experiments/searchable.js';
import { compileSearch } from '../src/api/search/expression.js';
import { flattenRecord } from '../src/api/search/flatten.js';
import { reindexEntity } from '../src/api/search/registry.js';
import type { SearchRequest } from '../src/api/generated/types.js';
import type { Scope } from '../src/core/arn.js';
import { formatArn } from '../src/core/arn.js';
import type { ReferenceDocument, SearchQuery } from '../src/storage/search-query.js';
import { referenceSearch } from '../src/storage/search-query.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { startCluster } from '../test/postgres-cluster.js';
import { startServerProcess } from './serve-process.js';
import type { Summary } from './stats.js';
import { fmt, summarize, table } from './stats.js';
import { seededRandom } from '../src/core/random.js';

const scope: Scope = { account: '000000000000', region: 'us-east-1' };
const user = { IamIdentity: { Arn: 'arn:aws:iam::000000000000:user/bench', PrincipalId: 'bench' } };
const EXPERIMENTS = 10;
const TRIALS = 1000;
const DATASETS = 200;
const TEAMS = ['growth', 'risk', 'search', 'ads'];


async function populate(store: Store, count: number): Promise<number> {
  const random = seededRandom(42);
  let now = Date.UTC(2025, 0, 1);
  const deps: ApiDeps = { store, clock: { now: () => now }, config: { quotas: null } };
  const ctx: RequestContext = { scope, user, requestId: 'bench' };
  const entity = (kind: 'experiment' | 'experiment-trial', name: string, attrs: Record<string, unknown>) => ({
    arn: formatArn(scope, kind, name),
    account: scope.account,
    region: scope.region,
    kind,
    name,
    type: null,
    sourceUri: null,
    status: null,
    description: null,
    properties: {},
    attrs,
    createdAt: now,
    createdBy: user,
    modifiedAt: now,
    modifiedBy: user,
    automatic: false,
  });
  const trialIds: number[] = [];
  await store.transaction(async (tx) => {
    const experiments: number[] = [];
    for (let e = 0; e < EXPERIMENTS; e++) experiments.push((await tx.insertEntity(entity('experiment', `exp-${e}`, { DisplayName: `exp-${e}` }))).id);
    for (let t = 0; t < TRIALS; t++) {
      const trial = await tx.insertEntity(entity('experiment-trial', `trial-${t}`, { DisplayName: `trial-${t}`, ExperimentName: `exp-${t % EXPERIMENTS}` }));
      await tx.linkTrialToExperiment(trial.id, experiments[t % EXPERIMENTS] as number);
      trialIds.push(trial.id);
    }
  });
  const started = performance.now();
  const BATCH = 500;
  for (let base = 0; base < count; base += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = base; i < Math.min(count, base + BATCH); i++) {
        now += 1000;
        const accuracy = 0.5 + 0.5 * random();
        const lr = 10 ** -(1 + 4 * random());
        const failed = random() < 0.05;
        const c = await createTrialComponent(tx, deps, ctx, {
          TrialComponentName: `train-${i}`,
          Status: { PrimaryStatus: failed ? 'Failed' : 'Completed' },
          StartTime: (now - 600_000) / 1000,
          EndTime: now / 1000,
          Parameters: {
            lr: { NumberValue: lr },
            batch: { NumberValue: [32, 64, 128, 256][Math.floor(random() * 4)] as number },
            optimizer: { StringValue: ['adam', 'sgd', 'rmsprop'][Math.floor(random() * 3)] as string },
            epochs: { NumberValue: 1 + Math.floor(random() * 20) },
          },
          InputArtifacts: { train: { Value: `s3://data/ds-${Math.floor(random() * DATASETS)}.csv`, MediaType: 'text/csv' } },
          OutputArtifacts: { model: { Value: `s3://models/train-${i}/model.tar.gz` } },
          Tags: [
            { Key: 'team', Value: TEAMS[Math.floor(random() * TEAMS.length)] as string },
            { Key: 'owner', Value: `user-${Math.floor(random() * 50)}` },
          ],
        });
        await tx.addTrialMember(trialIds[i % TRIALS] as number, c.id, now);
        const loss = 1 - accuracy + 0.05 * random();
        await tx.recordTrialComponentMetrics(c.id, [
          { name: 'loss', value: 2 * loss, timestamp: now - 300_000, step: 0 },
          { name: 'loss', value: loss, timestamp: now, step: 1 },
          { name: 'accuracy', value: accuracy / 2, timestamp: now - 300_000, step: 0 },
          { name: 'accuracy', value: accuracy, timestamp: now, step: 1 },
          { name: 'f1', value: accuracy * 0.95, timestamp: now, step: 1 },
        ]);
        await reindexEntity(tx, c);
      }
    });
  }
  return (performance.now() - started) / 1000;
}

interface Scenario {
  readonly name: string;
  readonly request: SearchRequest;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'best 10 runs of an experiment by accuracy',
    request: {
      Resource: 'ExperimentTrialComponent',
      SearchExpression: { Filters: [{ Name: 'Parents.ExperimentName', Operator: 'Equals', Value: 'exp-3' }] },
      SortBy: 'Metrics.accuracy.Max',
      SortOrder: 'Descending',
    },
  },
  {
    name: 'runs on one dataset with lr < 0.01, lowest loss first',
    request: {
      Resource: 'ExperimentTrialComponent',
      SearchExpression: {
        Filters: [
          { Name: 'InputArtifacts.train.Value', Operator: 'Equals', Value: 's3://data/ds-17.csv' },
          { Name: 'Parameters.lr.NumberValue', Operator: 'LessThan', Value: '0.01' },
        ],
      },
      SortBy: 'Metrics.loss.Min',
      SortOrder: 'Ascending',
    },
  },
  {
    name: "a team's runs with accuracy > 0.9, newest first",
    request: {
      Resource: 'ExperimentTrialComponent',
      SearchExpression: {
        Filters: [
          { Name: 'Tags.team', Operator: 'Equals', Value: 'risk' },
          { Name: 'Metrics.accuracy.Max', Operator: 'GreaterThan', Value: '0.9' },
        ],
      },
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    },
  },
  {
    name: 'failed or poor runs (Or), by start time',
    request: {
      Resource: 'ExperimentTrialComponent',
      SearchExpression: {
        Operator: 'Or',
        Filters: [
          { Name: 'Status.PrimaryStatus', Operator: 'Equals', Value: 'Failed' },
          { Name: 'Metrics.loss.Last', Operator: 'GreaterThan', Value: '0.54' },
        ],
      },
      SortBy: 'StartTime',
      SortOrder: 'Descending',
    },
  },
  {
    name: 'runs of one trial, sgd only, by loss',
    request: {
      Resource: 'ExperimentTrialComponent',
      SearchExpression: {
        Filters: [
          { Name: 'Parents.TrialName', Operator: 'Equals', Value: 'trial-123' },
          { Name: 'Parameters.optimizer.StringValue', Operator: 'NotEquals', Value: 'adam' },
        ],
      },
      SortBy: 'Metrics.loss.Min',
      SortOrder: 'Ascending',
    },
  },
  {
    // The engine's worst case, kept in the table on purpose: two wide filters whose intersection is
    // empty make the sorted walk visit every document.
    name: 'worst case: two wide filters, empty intersection',
    request: {
      Resource: 'ExperimentTrialComponent',
      SearchExpression: {
        Filters: [
          { Name: 'Metrics.accuracy.Max', Operator: 'GreaterThan', Value: '0.97' },
          { Name: 'Metrics.loss.Last', Operator: 'GreaterThan', Value: '0.5' },
        ],
      },
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    },
  },
];

function queryOf(s: Scenario, plan?: 'walk' | 'candidates'): SearchQuery {
  const { condition, sort } = compileSearch(TRIAL_COMPONENT_SEARCH, s.request);
  return { scope, resource: 'ExperimentTrialComponent', condition, sort, limit: 10, plan };
}

async function time(runs: number, fn: () => Promise<unknown>, warmups = Math.min(3, runs)): Promise<Summary> {
  for (let i = 0; i < warmups; i++) await fn();
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples, (performance.now() - started) / 1000);
}

/** The plain scan: read, parse and evaluate every stored document, keeping only the best page. */
function storedScan(store: SqliteStore, q: SearchQuery, rules: Parameters<typeof flattenRecord>[1]): number[] {
  const page: ReferenceDocument[] = [];
  const rows = store.database.prepare('SELECT id, record FROM search_documents').iterate() as IterableIterator<{ id: number; record: string }>;
  for (const r of rows) {
    page.push({ docId: r.id, leaves: flattenRecord(JSON.parse(r.record) as Record<string, unknown>, rules) });
    // Keep memory flat: trim to the current best page whenever the buffer grows.
    if (page.length >= 1000) page.splice(0, page.length, ...keep(page, q));
  }
  return referenceSearch(page, q.condition, q.sort, undefined, q.limit).map((h) => h.docId);
}

function keep(docs: ReferenceDocument[], q: SearchQuery): ReferenceDocument[] {
  const best = new Set(referenceSearch(docs, q.condition, q.sort, undefined, q.limit).map((h) => h.docId));
  return docs.filter((d) => best.has(d.docId));
}

const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261121/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0';

/**
 * The same queries on PostgreSQL (a durable throwaway cluster), beside SQLite holding the same
 * documents, built the same way, in the same run. Smaller than the main table by default: building
 * through the API's write path costs a round trip per statement on PostgreSQL.
 */
async function postgresComparison(documents: number, runs: number): Promise<string> {
  const cluster = await startCluster({ durable: true });
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-search-pg-'));
  try {
    await cluster.createDatabase('stemma_search');
    const url = cluster.url('stemma_search');
    const postgres = await PostgresStore.open({ url });
    const sqlite = SqliteStore.open({ path: join(dir, 'stemma.db') });
    try {
      const pgBuild = await populate(postgres, documents);
      const sqliteBuild = await populate(sqlite, documents);
      // What autovacuum does after a bulk load: statistics, and the visibility map that lets the
      // planner's counts be index-only scans.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('VACUUM ANALYZE');
      await client.end();
      sqlite.database.pragma('optimize');
      const rows: string[][] = [];
      for (const s of SCENARIOS) {
        const q = queryOf(s);
        const [onPg, onSqlite] = [await postgres.read((r) => r.search(q)), await sqlite.read((r) => r.search(q))];
        if (JSON.stringify(onPg.map((h) => h.arn)) !== JSON.stringify(onSqlite.map((h) => h.arn))) {
          throw new Error(`PostgreSQL and SQLite disagree on "${s.name}"`);
        }
        const pgTime = await time(runs, () => postgres.read((r) => r.search(q)));
        const sqliteTime = await time(runs, () => sqlite.read((r) => r.search(q)));
        rows.push([s.name, fmt.int(onPg.length), fmt.ms(pgTime.p50), fmt.ms(pgTime.p95), fmt.ms(sqliteTime.p50), fmt.ratio(pgTime.p50 / sqliteTime.p50)]);
      }
      return table(
        `In-process Search on PostgreSQL, ${fmt.int(documents)} trial components, MaxResults 10 (ms; built in ${pgBuild.toFixed(1)} s on PostgreSQL, ${sqliteBuild.toFixed(1)} s on SQLite)`,
        ['query', 'hits', 'PostgreSQL p50', 'PostgreSQL p95', 'SQLite p50 (same documents)', 'PostgreSQL/SQLite'],
        rows,
      );
    } finally {
      await postgres.close();
      await sqlite.close();
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function searchBenchmark(options: { documents: number; runs: number; postgresDocuments: number }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-search-'));
  const path = join(dir, 'stemma.db');
  try {
    const store = SqliteStore.open({ path });
    const buildSeconds = await populate(store, options.documents);
    store.database.pragma('optimize');

    // Baseline data: every document's leaves in memory, as the naive evaluator wants them.
    const stored = store.database.prepare('SELECT id, record FROM search_documents').all() as { id: number; record: string }[];
    const flattenRules = { keyedLists: { Tags: { key: 'Key', value: 'Value' }, Metrics: { key: 'MetricName' } }, elementLists: ['Parents'] };
    const inMemory: ReferenceDocument[] = stored.map((r) => ({ docId: r.id, leaves: flattenRecord(JSON.parse(r.record) as Record<string, unknown>, flattenRules) }));
    const leaves = inMemory.reduce((n, d) => n + d.leaves.length, 0);

    const rows: string[][] = [];
    const summaries: { name: string; engine: Summary; http?: Summary }[] = [];
    for (const s of SCENARIOS) {
      const q = queryOf(s);
      const engineHits = await store.read((r) => r.search(q));
      const reference = referenceSearch(inMemory, q.condition, q.sort, undefined, q.limit);
      if (JSON.stringify(engineHits.map((h) => h.docId)) !== JSON.stringify(reference.map((h) => h.docId))) {
        throw new Error(`Search engine and reference disagree on "${s.name}"`);
      }
      const engine = await time(options.runs, () => store.read((r) => r.search(q)));
      const walk = await time(Math.max(3, Math.floor(options.runs / 5)), () => store.read((r) => r.search(queryOf(s, 'walk'))));
      const candidates = await time(Math.max(3, Math.floor(options.runs / 5)), () => store.read((r) => r.search(queryOf(s, 'candidates'))));
      const naive = await time(5, () => Promise.resolve(referenceSearch(inMemory, q.condition, q.sort, undefined, q.limit)));
      const scan = await time(2, () => Promise.resolve(storedScan(store, q, flattenRules)), 1);
      summaries.push({ name: s.name, engine });
      rows.push([
        s.name,
        fmt.int(engineHits.length),
        fmt.ms(engine.p50),
        fmt.ms(engine.p95),
        fmt.ms(walk.p50),
        fmt.ms(candidates.p50),
        fmt.ms(naive.p50),
        fmt.ms(scan.p50),
        fmt.ratio(naive.p50 / engine.p50),
      ]);
    }
    await store.close();

    // The same queries over HTTP, against a server process on this database.
    const server = await startServerProcess(['--data', dir, '--quotas', 'off']);
    const httpRows: string[][] = [];
    try {
      const pool = new Pool(server.url, { connections: 1, pipelining: 1 });
      for (const [i, s] of SCENARIOS.entries()) {
        const body = JSON.stringify({ ...s.request, MaxResults: 10 });
        const http = await time(options.runs, async () => {
          const res = await pool.request({
            path: '/',
            method: 'POST',
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.Search', authorization: AUTH },
            body,
          });
          const text = await res.body.text();
          if (res.statusCode !== 200) throw new Error(`Search failed over HTTP: ${text}`);
        });
        const engine = summaries[i]?.engine;
        httpRows.push([s.name, fmt.ms(http.p50), fmt.ms(http.p95), engine ? fmt.ms(engine.p50) : '–']);
      }
      await pool.close();
    } finally {
      await server.stop();
    }

    return [
      `\n### Search over ${fmt.int(options.documents)} trial components (${fmt.int(leaves)} indexed values; built in ${buildSeconds.toFixed(1)} s through the API's write path)`,
      table(
        'In-process Search, MaxResults 10 (ms)',
        ['query', 'hits', 'engine p50', 'engine p95', 'walk-only p50', 'candidates-only p50', 'naive in-memory p50', 'naive stored-scan p50', 'naive/engine'],
        rows,
      ),
      table('Over HTTP (stemma serve process, keep-alive, one client) (ms)', ['query', 'HTTP p50', 'HTTP p95', 'in-process p50'], httpRows),
      ...(options.postgresDocuments > 0 ? [await postgresComparison(options.postgresDocuments, options.runs)] : []),
      '\nengine = the store\'s search engine choosing its plan; walk-only / candidates-only force one plan; naive in-memory = the ' +
        'reference evaluator over every document already parsed in memory; naive stored-scan = reading, parsing and evaluating every stored document per query.',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
