/**
 * A deterministic, platform-shaped lineage graph, written straight into a data directory's database
 * (bulk SQL inserts, all entities `automatic`), for benchmarks and for tests that need a realistic
 * graph. Same size and seed, same graph, same ARNs.
 *
 * The wiring is SageMaker's automatic lineage (spec/sagemaker-lineage.md §7.2): pipelines run many
 * executions; each runs a processing job, a training job, an evaluation job (trial components fed
 * by DataSet/Image artifacts with ContributedTo and producing outputs with Produced), registers a
 * model package (Model artifact AssociatedWith its ModelGroup context, with an Approval action
 * ContributedTo it), sometimes runs a batch transform, and sometimes deploys (a ModelDeployment
 * action fed by the model, image and package, AssociatedWith an Endpoint context). Raw datasets,
 * code and shared feature sets are reused by every execution of a pipeline, a few reference
 * datasets across pipelines, and container images across the whole platform. Outputs are
 * DerivedFrom the raw data they were cut from, and half the trainings warm-start from the previous
 * model (DerivedFrom), which gives realistic long chains. About 3 associations per entity.
 *
 * The experiments side is SageMaker Pipelines' too (spec/sagemaker-pipelines.md): every job exists
 * as a completed job resource tagged `sagemaker:pipeline-execution-arn`, its trial component has the
 * job as Source (and the same tag), a pipeline is an experiment and each execution a trial holding
 * the execution's trial components. Experiments and trials are not lineage vertices, so they are
 * not counted in `entities`. Given a store, the generator also writes the Search documents of the
 * trial components, trials and experiments; given a bare database (the benchmarks), it does not.
 */
import type { Database } from 'better-sqlite3';
import { artifactId } from '../src/core/ids.js';
import type { AssociationType } from '../src/core/model.js';
import { resetLineageLog } from '../src/storage/sqlite/lineage-sync.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { PIPELINE_EXECUTION_TAG } from '../src/api/jobs/job-lineage.js';
import { reindexEntityByArn, reindexResource } from '../src/api/search/registry.js';
import { seededRandom } from '../src/core/random.js';

export interface PlatformGraphOptions {
  /** Entities to create (the graph stops at the end of the execution that reaches this). */
  readonly entities: number;
  readonly seed: number;
  readonly account?: string;
  readonly region?: string;
}

/** Representative starting points for queries, and what was written. */
export interface PlatformGraph {
  /** An endpoint context with several deployments behind it. */
  readonly endpointArn: string;
  /** A raw dataset every execution of a pipeline reads. */
  readonly datasetArn: string;
  /** A trained model artifact, built on an image shared across the platform. */
  readonly modelArn: string;
  readonly entities: number;
  readonly associations: number;
}

/** What a generated graph wrote, with the ARNs whose Search documents a store keeps. */
interface WrittenGraph {
  readonly graph: PlatformGraph;
  /** Trial components, trials, experiments. */
  readonly searchable: readonly string[];
  /** Jobs (only training jobs are a Search resource; the others are skipped by the index). */
  readonly searchableResources: readonly string[];
}

/** The three job kinds of the graph, as SageMaker names their resources and trial components. */
const JOBS = {
  processing: { kind: 'processing-job', sourceType: 'SageMakerProcessingJob', member: 'ProcessingJob' },
  training: { kind: 'training-job', sourceType: 'SageMakerTrainingJob', member: 'TrainingJob' },
  transform: { kind: 'transform-job', sourceType: 'SageMakerTransformJob', member: 'TransformJob' },
} as const;
type JobKind = keyof typeof JOBS;


/** Writes the graph with `db`, inside the caller's transaction. */
function writeGraph(db: Database, options: PlatformGraphOptions): WrittenGraph {
  const account = options.account ?? '000000000000';
  const region = options.region ?? 'us-east-1';
  const rand = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const prefix = `arn:aws:sagemaker:${region}:${account}`;
  const insertEntity = db.prepare(
    `INSERT INTO entities (id, arn, account, region, kind, name, type, source_uri, properties, created_at, modified_at, automatic)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const insertAssociation = db.prepare(
    `INSERT INTO associations (source_id, destination_id, type, account, region, created_at, automatic) VALUES (?, ?, ?, ?, ?, ?, 1)`,
  );
  const insertExperimentEntity = db.prepare(
    `INSERT INTO entities (id, arn, account, region, kind, name, type, source_uri, status, attrs, created_at, modified_at, automatic)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const insertResource = db.prepare(
    `INSERT INTO resources (account, region, kind, name, arn, status, created_at, modified_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTag = db.prepare(`INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?)`);
  const insertTrialOf = db.prepare(`INSERT INTO experiment_trials (trial_id, experiment_id) VALUES (?, ?)`);
  const insertMember = db.prepare(`INSERT INTO trial_members (trial_id, component_id, created_at) VALUES (?, ?, ?)`);
  const searchable: string[] = [];
  const searchableResources: string[] = [];
  let nextId = ((db.prepare('SELECT coalesce(max(id), 0) AS id FROM entities').get() as { id: number }).id) + 1;
  const t0 = Date.UTC(2024, 0, 1);
  let entities = 0;
  let associations = 0;
  let clock = 0;
  const arnOf = new Map<number, string>();

  const entity = (kind: string, name: string, type: string, sourceUri: string, properties = '{}'): number => {
    const id = nextId++;
    const arn = kind === 'artifact' ? `${prefix}:artifact/${artifactId(sourceUri)}` : `${prefix}:${kind}/${name}`;
    const at = t0 + clock++ * 1000;
    insertEntity.run(id, arn, account, region, kind, kind === 'artifact' ? null : name, type, sourceUri, properties, at, at);
    arnOf.set(id, arn);
    entities++;
    return id;
  };
  const artifact = (uri: string, type: string, properties?: string): number => entity('artifact', '', type, uri, properties);
  /** An Experiments entity (a trial component, trial or experiment) with its `attrs`: its id. */
  const experimentEntity = (kind: string, name: string, at: number, attrs: object, source?: { type: string; uri: string; status: string }): number => {
    const id = nextId++;
    const arn = `${prefix}:${kind}/${name}`;
    insertExperimentEntity.run(id, arn, account, region, kind, name, source?.type ?? null, source?.uri ?? null, source?.status ?? null, JSON.stringify(attrs), at, at);
    arnOf.set(id, arn);
    searchable.push(arn);
    return id;
  };
  /**
   * A completed job, tagged with its pipeline execution, and its trial component
   * `<job>-aws-<kind>` (Source = the job, the same tag; a lineage vertex) in the execution's trial.
   */
  const job = (kind: JobKind, jobName: string, trial: number, executionArn: string): number => {
    const j = JOBS[kind];
    const jobArn = `${prefix}:${j.kind}/${jobName}`;
    const at = t0 + clock++ * 1000;
    const doc = { [`${j.member}Name`]: jobName, [`${j.member}Arn`]: jobArn, [`${j.member}Status`]: 'Completed', CreationTime: at / 1000, LastModifiedTime: at / 1000 };
    insertResource.run(account, region, j.kind, jobName, jobArn, 'Completed', at, at, JSON.stringify(doc));
    insertTag.run(jobArn, PIPELINE_EXECUTION_TAG, executionArn);
    searchableResources.push(jobArn);
    const name = `${jobName}-aws-${j.kind}`;
    const attrs = { DisplayName: name, Source: { SourceArn: jobArn, SourceType: j.sourceType }, Status: { PrimaryStatus: 'Completed' }, StartTime: at, EndTime: at };
    const component = experimentEntity('experiment-trial-component', name, at, attrs, { type: j.sourceType, uri: jobArn, status: 'Completed' });
    insertTag.run(`${prefix}:experiment-trial-component/${name}`, PIPELINE_EXECUTION_TAG, executionArn);
    insertMember.run(trial, component, at);
    entities++;
    return component;
  };
  const link = (source: number, destination: number, type: AssociationType): void => {
    insertAssociation.run(source, destination, type, account, region, t0 + clock * 1000);
    associations++;
  };

  const executionsPerPipeline = Math.min(100, Math.max(3, Math.floor(Math.sqrt(options.entities / 12))));
  const images = Array.from({ length: Math.max(4, Math.floor(options.entities / 5000)) }, (_, i) =>
    artifact(`123456789012.dkr.ecr.${region}.amazonaws.com/framework-${i % 7}:${1 + Math.floor(i / 7)}.0-cpu-py3`, 'Image'),
  );
  const referenceData = Array.from({ length: Math.max(2, Math.floor(options.entities / 100_000)) }, (_, i) =>
    artifact(`s3://platform-reference/holidays-${i}.csv`, 'DataSet'),
  );
  let handles: { endpoint?: number; dataset?: number; model?: number } = {};

  for (let p = 0; entities < options.entities; p++) {
    const bucket = `s3://ml-pipeline-${p}`;
    const raw = [0, 1, 2].map((i) => artifact(`${bucket}/raw/source-${i}.csv`, 'DataSet'));
    const features = artifact(`${bucket}/features/latest.parquet`, 'DataSet');
    const batchInput = artifact(`${bucket}/batch/input.csv`, 'DataSet');
    const code = {
      preprocess: artifact(`${bucket}/code/preprocess.py`, 'DataSet'),
      train: artifact(`${bucket}/code/train.py`, 'DataSet'),
      evaluate: artifact(`${bucket}/code/evaluate.py`, 'DataSet'),
    };
    const processingImage = pick(images);
    const trainingImage = pick(images);
    const group = entity('context', `pipeline-${p}-models-${1700000000 + p}-aws-model-package-group`, 'ModelGroup', `${prefix}:model-package-group/pipeline-${p}-models`);
    const reference = rand() < 0.3 ? pick(referenceData) : undefined;
    const experiment = experimentEntity('experiment', `pipeline-${p}`, t0 + clock * 1000, { DisplayName: `pipeline-${p}` });
    let endpoint: number | undefined;
    let deploymentsToEndpoint = 0;
    let endpoints = 0;
    let previousModel: number | undefined;
    if (p === 0) handles = { dataset: raw[0] };

    for (let e = 0; e < executionsPerPipeline && entities < options.entities; e++) {
      const run = `pipeline-${p}-exec-${e}`;
      // Processing: raw data + code + image → train / validation / test.
      const executionArn = `${prefix}:pipeline/pipeline-${p}/execution/${e}`;
      const trial = experimentEntity('experiment-trial', run, t0 + clock * 1000, { DisplayName: run, ExperimentName: `pipeline-${p}` });
      insertTrialOf.run(trial, experiment);
      const prep = job('processing', `${run}-prep`, trial, executionArn);
      for (const input of [...raw, code.preprocess, processingImage]) link(input, prep, 'ContributedTo');
      if (reference !== undefined) link(reference, prep, 'ContributedTo');
      const splits = ['train', 'validation', 'test'].map((s) => artifact(`${bucket}/${run}/prep/${s}`, 'DataSet'));
      for (const out of splits) {
        link(prep, out, 'Produced');
        link(raw[0] as number, out, 'DerivedFrom');
        link(raw[1] as number, out, 'DerivedFrom');
      }
      const [train, validation, test] = splits as [number, number, number];
      // Training: splits + shared features + code + image → model (half warm-start from the last model).
      const training = job('training', `${run}-train`, trial, executionArn);
      for (const input of [train, validation, features, code.train, trainingImage]) link(input, training, 'ContributedTo');
      const model = artifact(`${bucket}/${run}/train/output/model.tar.gz`, 'Model', `{"framework":"framework-${p % 7}"}`);
      link(training, model, 'Produced');
      if (previousModel !== undefined && rand() < 0.5) link(previousModel, model, 'DerivedFrom');
      previousModel = model;
      // Evaluation: test + validation + model + code + image → report.
      const evaluation = job('processing', `${run}-eval`, trial, executionArn);
      for (const input of [test, validation, model, code.evaluate, processingImage]) link(input, evaluation, 'ContributedTo');
      const report = artifact(`${bucket}/${run}/eval/evaluation.json`, 'DataSet');
      link(evaluation, report, 'Produced');
      // Registration: model package (a Model artifact) in the group, with its approval.
      const packageArn = `${prefix}:model-package/pipeline-${p}-models/${e + 1}`;
      const modelPackage = artifact(packageArn, 'Model');
      for (const input of [model, trainingImage, report]) link(input, modelPackage, 'ContributedTo');
      link(modelPackage, group, 'AssociatedWith');
      const approval = entity('action', `pipeline-${p}-models-${e + 1}-approval`, 'Approval', packageArn);
      link(approval, modelPackage, 'ContributedTo');
      // Batch transform for every other execution.
      if (e % 2 === 1) {
        const transform = job('transform', `${run}-transform`, trial, executionArn);
        for (const input of [model, trainingImage, batchInput]) link(input, transform, 'ContributedTo');
        link(transform, artifact(`${bucket}/${run}/transform/output`, 'DataSet'), 'Produced');
      }
      // Deployment for every fourth execution; an endpoint takes three deployments, then a new one.
      if (e % 4 === 3) {
        if (endpoint === undefined || deploymentsToEndpoint === 3) {
          const endpointName = `pipeline-${p}-endpoint-${endpoints++}`;
          endpoint = entity('context', `${endpointName}-${1700000000 + clock}-aws-endpoint`, 'Endpoint', `${prefix}:endpoint/${endpointName}`);
          deploymentsToEndpoint = 0;
        }
        const deployment = entity('action', `${run}-deployment`, 'ModelDeployment', `${prefix}:endpoint/pipeline-${p}`);
        for (const input of [model, trainingImage, modelPackage]) link(input, deployment, 'ContributedTo');
        link(deployment, endpoint, 'AssociatedWith');
        deploymentsToEndpoint++;
        if (p === 0 && deploymentsToEndpoint === 3) handles.endpoint = endpoint;
        if (p === 0) handles.model ??= model;
      }
    }
    if (p === 0) {
      handles.endpoint ??= endpoint;
      handles.model ??= previousModel;
    }
  }
  const arn = (id: number | undefined, what: string): string => {
    const found = id === undefined ? undefined : arnOf.get(id);
    if (found === undefined) throw new Error(`The graph is too small to have ${what}; ask for more entities.`);
    return found;
  };
  const graph = {
    endpointArn: arn(handles.endpoint, 'an endpoint'),
    datasetArn: arn(handles.dataset, 'a dataset'),
    modelArn: arn(handles.model, 'a deployed model'),
    entities,
    associations,
  };
  return { graph, searchable, searchableResources };
}

/**
 * Runs a bulk load with the secondary indexes and triggers of the lineage tables dropped, and
 * re-creates them afterwards from their own stored SQL: building an index once over sorted keys is
 * several times faster than updating it row by row, and the change-log triggers are pointless for
 * rows that a lineage index will read in its rebuild anyway.
 */
function bulkLoad<T>(db: Database, load: () => T): T {
  const saved = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE tbl_name IN ('entities', 'associations') AND type IN ('index', 'trigger') AND sql IS NOT NULL
       ORDER BY type`,
    )
    .all() as { type: 'index' | 'trigger'; name: string; sql: string }[];
  for (const s of saved) db.exec(`DROP ${s.type === 'index' ? 'INDEX' : 'TRIGGER'} "${s.name}"`);
  const value = load();
  for (const s of saved) db.exec(s.sql);
  resetLineageLog(db);
  return value;
}

/** Search documents written per transaction, so a large graph does not hold the writer in one. */
const REINDEX_BATCH = 500;

/**
 * Generates the graph into an open store (as one bulk write; a running lineage index rebuilds; then
 * the Search documents of its Experiments entities) or into a bare database connection of a
 * migrated Stemma database (in one transaction, without Search documents).
 */
export async function generatePlatformGraph(target: SqliteStore | Database, options: PlatformGraphOptions): Promise<PlatformGraph> {
  if (!(target instanceof SqliteStore)) return Promise.resolve(target.transaction(() => bulkLoad(target, () => writeGraph(target, options)).graph)());
  const { graph, searchable, searchableResources } = await target.bulkWrite((db) => bulkLoad(db, () => writeGraph(db, options)));
  for (let i = 0; i < searchable.length; i += REINDEX_BATCH) {
    const batch = searchable.slice(i, i + REINDEX_BATCH);
    await target.transaction(async (tx) => {
      for (const arn of batch) await reindexEntityByArn(tx, arn);
    });
  }
  for (let i = 0; i < searchableResources.length; i += REINDEX_BATCH) {
    const batch = searchableResources.slice(i, i + REINDEX_BATCH);
    await target.transaction(async (tx) => {
      for (const arn of batch) {
        const resource = await tx.getResourceByArn(arn);
        if (resource) await reindexResource(tx, resource);
      }
    });
  }
  return graph;
}
