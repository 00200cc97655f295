/**
 * Hyperparameter tuning jobs: CreateHyperParameterTuningJob, DescribeHyperParameterTuningJob,
 * ListHyperParameterTuningJobs, ListTrainingJobsForHyperParameterTuningJob,
 * StopHyperParameterTuningJob. A tuning job runs real training jobs (each with its own lineage),
 * at most MaxParallelTrainingJobs at a time, with hyperparameters drawn from the ranges: every
 * combination for `Grid` (integers and categories), random draws for the other strategies. The best
 * training job is the one with the best final value of the objective metric.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-how-it-works.html
 */
import { createHash } from 'node:crypto';
import { formatArn } from '../../core/arn.js';
import { toEpochSeconds } from '../../core/clock.js';
import { ValidationException } from '../../core/errors.js';
import type { ResourceRecord } from '../../core/model.js';
import type { StoreReader } from '../../storage/store.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type {
  CreateHyperParameterTuningJobRequest,
  DescribeHyperParameterTuningJobResponse,
  DescribeTrainingJobResponse,
  HyperParameterTrainingJobSummary,
  HyperParameterTuningJobSummary,
  ParameterRanges,
} from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { requireJobs } from './job-common.js';
import { insertResource, requireResource, stripUndefined, updateResource, wireDoc } from './resources.js';
import { listResourcePage } from './resource-listing.js';
import { trainingJobs } from './training-jobs.js';
import { seededRandom } from '../../core/random.js';

const KIND = 'hyper-parameter-tuning-job';
const LABEL = 'Hyperparameter tuning job';


function checkRanges(ranges: ParameterRanges, grid: boolean): void {
  for (const r of [...(ranges.IntegerParameterRanges ?? []), ...(ranges.ContinuousParameterRanges ?? [])]) {
    const min = Number(r.MinValue);
    const max = Number(r.MaxValue);
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new ValidationException(`Parameter range ${r.Name}: MinValue and MaxValue must be numbers with MinValue <= MaxValue.`);
    }
  }
  if (grid && (ranges.ContinuousParameterRanges ?? []).length > 0) {
    throw new ValidationException('The Grid strategy takes only IntegerParameterRanges and CategoricalParameterRanges.');
  }
}

/** The hyperparameter sets to train, in order. */
export function hyperparameterSets(ranges: ParameterRanges, strategy: string, count: number, seed: number): Record<string, string>[] {
  if (strategy === 'Grid') {
    let sets: Record<string, string>[] = [{}];
    const axes: [string, string[]][] = [
      ...(ranges.CategoricalParameterRanges ?? []).map((r): [string, string[]] => [r.Name, r.Values]),
      ...(ranges.IntegerParameterRanges ?? []).map((r): [string, string[]] => {
        const values: string[] = [];
        for (let v = Number(r.MinValue); v <= Number(r.MaxValue) && values.length < 1000; v++) values.push(String(v));
        return [r.Name, values];
      }),
    ];
    for (const [name, values] of axes) sets = sets.flatMap((set) => values.map((v) => ({ ...set, [name]: v })));
    return sets.slice(0, count);
  }
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const set: Record<string, string> = {};
    for (const r of ranges.CategoricalParameterRanges ?? []) set[r.Name] = r.Values[Math.floor(next() * r.Values.length)] as string;
    for (const r of ranges.IntegerParameterRanges ?? []) {
      const min = Number(r.MinValue);
      set[r.Name] = String(min + Math.floor(next() * (Number(r.MaxValue) - min + 1)));
    }
    for (const r of ranges.ContinuousParameterRanges ?? []) {
      const min = Number(r.MinValue);
      const max = Number(r.MaxValue);
      const v = r.ScalingType === 'Logarithmic' && min > 0 ? Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))) : min + next() * (max - min);
      set[r.Name] = String(Number(v.toPrecision(6)));
    }
    return set;
  });
}

async function trainingJobsOf(reader: StoreReader, tuning: ResourceRecord): Promise<ResourceRecord[]> {
  const jobs = await reader.listResources({ scope: tuning, kind: 'training-job', namePrefix: `${tuning.name}-`, sortBy: 'CreationTime', ascending: true, limit: 1000 });
  return jobs.filter((j) => j.doc['TuningJobArn'] === tuning.arn);
}

function objectiveOf(job: ResourceRecord, metric: string): number | undefined {
  const d = wireDoc<DescribeTrainingJobResponse>(job);
  return d.FinalMetricDataList?.find((m) => m.MetricName === metric)?.Value;
}

function trainingSummary(job: ResourceRecord, tuning: ResourceRecord, objective: { Type: string; MetricName: string }): HyperParameterTrainingJobSummary {
  const d = wireDoc<DescribeTrainingJobResponse>(job);
  const value = objectiveOf(job, objective.MetricName);
  const tuned = (job.doc['_tuned'] ?? {}) as Record<string, string>;
  return stripUndefined({
    TrainingJobName: d.TrainingJobName,
    TrainingJobArn: d.TrainingJobArn,
    TuningJobName: tuning.name,
    CreationTime: d.CreationTime,
    TrainingStartTime: d.TrainingStartTime,
    TrainingEndTime: d.TrainingEndTime,
    TrainingJobStatus: d.TrainingJobStatus,
    TunedHyperParameters: tuned,
    FailureReason: d.FailureReason,
    FinalHyperParameterTuningJobObjectiveMetric:
      value === undefined ? undefined : { Type: objective.Type as 'Maximize' | 'Minimize', MetricName: objective.MetricName, Value: value },
    ObjectiveStatus: d.TrainingJobStatus === 'InProgress' ? 'Pending' : value === undefined ? 'Failed' : 'Succeeded',
  });
}

/** The live parts of a tuning job's description, computed from its training jobs. */
async function describe(reader: StoreReader, tuning: ResourceRecord): Promise<DescribeHyperParameterTuningJobResponse> {
  const d = wireDoc<DescribeHyperParameterTuningJobResponse>(tuning);
  const objective = d.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective as { Type: string; MetricName: string };
  const jobs = (await trainingJobsOf(reader, tuning)).map((j) => trainingSummary(j, tuning, objective));
  const count = (status: string): number => jobs.filter((j) => j.TrainingJobStatus === status).length;
  const scored = jobs.filter((j) => j.FinalHyperParameterTuningJobObjectiveMetric !== undefined);
  const sign = objective.Type === 'Maximize' ? -1 : 1;
  const best = scored.sort(
    (a, b) => sign * ((a.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? 0) - (b.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? 0)),
  )[0];
  return stripUndefined({
    ...d,
    TrainingJobStatusCounters: { Completed: count('Completed'), InProgress: count('InProgress') + count('Stopping'), RetryableError: 0, NonRetryableError: count('Failed'), Stopped: count('Stopped') },
    ObjectiveStatusCounters: { Succeeded: scored.length, Pending: jobs.filter((j) => j.ObjectiveStatus === 'Pending').length, Failed: jobs.filter((j) => j.ObjectiveStatus === 'Failed').length },
    BestTrainingJob: best,
  });
}

export function tuningJobOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  const training = trainingJobs(deps);

  /** Runs the training jobs of a tuning job, at most `parallel` at a time, then records its end. */
  async function run(ctx: RequestContext, tuning: ResourceRecord, input: CreateHyperParameterTuningJobRequest, sets: Record<string, string>[]): Promise<void> {
    const jobs = requireJobs(deps);
    const definition = input.TrainingJobDefinition as NonNullable<CreateHyperParameterTuningJobRequest['TrainingJobDefinition']>;
    const parallel = Math.max(1, input.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs);
    const stopped = async (): Promise<boolean> => (await store.read((r) => r.getResourceByArn(tuning.arn)))?.status !== 'InProgress';
    let failure: string | undefined;
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < sets.length && !jobs.closing && !(await stopped())) {
        // Another worker may have taken the last set while this one awaited `stopped()`.
        if (nextIndex >= sets.length) break;
        const i = nextIndex++;
        const tuned = sets[i] as Record<string, string>;
        const suffix = createHash('sha256').update(`${tuning.arn}/${i}`).digest('hex').slice(0, 8);
        const name = `${tuning.name}-${String(i + 1).padStart(3, '0')}-${suffix}`.slice(0, 63);
        try {
          const { TrainingJobArn: arn } = await training.create(
            {
              TrainingJobName: name,
              HyperParameters: { ...definition.StaticHyperParameters, ...tuned },
              AlgorithmSpecification: definition.AlgorithmSpecification,
              RoleArn: definition.RoleArn,
              InputDataConfig: definition.InputDataConfig,
              OutputDataConfig: definition.OutputDataConfig,
              ResourceConfig: definition.ResourceConfig ?? { InstanceCount: 1, VolumeSizeInGB: 1 },
              StoppingCondition: definition.StoppingCondition,
              CheckpointConfig: definition.CheckpointConfig,
              Environment: definition.Environment,
            },
            ctx,
            tuning.arn,
          );
          // A Stop that came while this job was being created did not see it: stop it here.
          const stopNow = await store.transaction(async (tx) => {
            const job = await tx.getResourceByArn(arn);
            const parent = await tx.getResourceByArn(tuning.arn);
            if (!job) return false;
            const stopping = parent?.status !== 'InProgress' && job.status === 'InProgress';
            const status = stopping ? { status: 'Stopping', doc: { ...job.doc, _tuned: tuned, TrainingJobStatus: 'Stopping' } } : { doc: { ...job.doc, _tuned: tuned } };
            await updateResource(tx, job, { ...status, modifiedAt: job.modifiedAt });
            return stopping;
          });
          if (stopNow) jobs.stop(arn, 'user');
          await jobs.whenDone(arn);
        } catch (e) {
          failure = `Starting training job ${name} failed: ${e instanceof Error ? e.message : String(e)}`;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, sets.length) }, worker));
    await store.transaction(async (tx) => {
      const t = await tx.getResourceByArn(tuning.arn);
      if (!t) return;
      const status = t.status === 'Stopping' ? 'Stopped' : failure !== undefined || jobs.closing ? 'Failed' : 'Completed';
      failure ??= jobs.closing ? 'The Stemma server shut down while the tuning job was running.' : undefined;
      const now = clock.now();
      const doc = { ...t.doc, HyperParameterTuningJobStatus: status, FailureReason: failure, HyperParameterTuningEndTime: toEpochSeconds(now), LastModifiedTime: toEpochSeconds(now) };
      await updateResource(tx, t, { status, doc: stripUndefined(doc), modifiedAt: now });
    });
  }

  return {
    async CreateHyperParameterTuningJob(input, ctx) {
      requireJobs(deps);
      const config = input.HyperParameterTuningJobConfig;
      const definition = input.TrainingJobDefinition;
      if (!definition || input.TrainingJobDefinitions !== undefined) {
        throw new ValidationException('Stemma runs tuning jobs with one TrainingJobDefinition; TrainingJobDefinitions is not supported locally.');
      }
      const objective = config.HyperParameterTuningJobObjective ?? definition.TuningObjective;
      if (!objective) throw new ValidationException('HyperParameterTuningJobObjective is required: name the metric to Minimize or Maximize.');
      if (!(definition.AlgorithmSpecification.MetricDefinitions ?? []).some((m) => m.Name === objective.MetricName)) {
        throw new ValidationException(`The objective metric ${objective.MetricName} is not among the AlgorithmSpecification's MetricDefinitions.`);
      }
      const ranges = config.ParameterRanges ?? definition.HyperParameterRanges ?? {};
      checkRanges(ranges, config.Strategy === 'Grid');
      const count = config.ResourceLimits.MaxNumberOfTrainingJobs ?? (config.Strategy === 'Grid' ? 1000 : 10);
      const seed = config.RandomSeed ?? parseInt(createHash('sha256').update(input.HyperParameterTuningJobName).digest('hex').slice(0, 8), 16);
      const sets = hyperparameterSets(ranges, config.Strategy, count, seed);
      const now = clock.now();
      const arn = formatArn(ctx.scope, KIND, input.HyperParameterTuningJobName.toLowerCase());
      const { Tags: tags, ...request } = input;
      const tuning = await store.transaction((tx) =>
        insertResource(
          tx,
          {
            account: ctx.scope.account,
            region: ctx.scope.region,
            kind: KIND,
            name: input.HyperParameterTuningJobName,
            arn,
            status: 'InProgress',
            createdAt: now,
            modifiedAt: now,
            doc: stripUndefined({
              ...request,
              HyperParameterTuningJobConfig: { ...config, HyperParameterTuningJobObjective: objective },
              HyperParameterTuningJobArn: arn,
              HyperParameterTuningJobStatus: 'InProgress',
              CreationTime: toEpochSeconds(now),
              LastModifiedTime: toEpochSeconds(now),
              _runner: requireJobs(deps).services.runnerId,
            }),
          },
          tags,
          `Hyperparameter tuning job names must be unique within an AWS account and region, and ${input.HyperParameterTuningJobName} already exists.`,
        ),
      );
      requireJobs(deps).runInBackground(run(ctx, tuning, input, sets));
      return { HyperParameterTuningJobArn: arn };
    },

    async DescribeHyperParameterTuningJob(input, ctx) {
      return store.read(async (r) => describe(r, await requireResource(r, ctx.scope, KIND, LABEL, input.HyperParameterTuningJobName)));
    },

    async ListHyperParameterTuningJobs(input, ctx) {
      return store.read(async (r) => {
        const page = await listResourcePage(r, ctx.scope, input, { operation: 'ListHyperParameterTuningJobs', kind: KIND, defaultOrder: 'Descending', status: input.StatusEquals });
        const items: HyperParameterTuningJobSummary[] = [];
        for (const t of page.items) {
          const d = await describe(r, t);
          items.push(
            stripUndefined({
              HyperParameterTuningJobName: d.HyperParameterTuningJobName,
              HyperParameterTuningJobArn: d.HyperParameterTuningJobArn,
              HyperParameterTuningJobStatus: d.HyperParameterTuningJobStatus,
              Strategy: d.HyperParameterTuningJobConfig.Strategy,
              CreationTime: d.CreationTime,
              HyperParameterTuningEndTime: d.HyperParameterTuningEndTime,
              LastModifiedTime: d.LastModifiedTime,
              TrainingJobStatusCounters: d.TrainingJobStatusCounters,
              ObjectiveStatusCounters: d.ObjectiveStatusCounters,
              ResourceLimits: d.HyperParameterTuningJobConfig.ResourceLimits,
            }),
          );
        }
        return { HyperParameterTuningJobSummaries: items, NextToken: page.nextToken };
      });
    },

    async ListTrainingJobsForHyperParameterTuningJob(input, ctx) {
      return store.read(async (r) => {
        const tuning = await requireResource(r, ctx.scope, KIND, LABEL, input.HyperParameterTuningJobName);
        const objective = wireDoc<DescribeHyperParameterTuningJobResponse>(tuning).HyperParameterTuningJobConfig.HyperParameterTuningJobObjective as { Type: string; MetricName: string };
        let jobs = (await trainingJobsOf(r, tuning)).filter((j) => input.StatusEquals === undefined || j.status === input.StatusEquals);
        const summaries = jobs.map((j) => trainingSummary(j, tuning, objective));
        const sortBy = input.SortBy ?? 'CreationTime';
        const key = (s: HyperParameterTrainingJobSummary): string | number =>
          sortBy === 'Name' ? s.TrainingJobName : sortBy === 'Status' ? s.TrainingJobStatus : sortBy === 'FinalObjectiveMetricValue' ? (s.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? Number.NaN) : s.CreationTime;
        const dir = input.SortOrder === 'Ascending' ? 1 : -1;
        summaries.sort((a, b) => {
          const ka = key(a);
          const kb = key(b);
          return ka < kb ? -dir : ka > kb ? dir : 0;
        });
        jobs = [];
        const start = input.NextToken === undefined ? 0 : Number(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
        if (!Number.isSafeInteger(start) || start < 0) throw new ValidationException('Invalid NextToken: it was not issued by this service.');
        const size = input.MaxResults ?? 10;
        const page = summaries.slice(start, start + size);
        const more = start + size < summaries.length;
        return { TrainingJobSummaries: page, NextToken: more ? Buffer.from(String(start + size)).toString('base64url') : undefined };
      });
    },

    async StopHyperParameterTuningJob(input, ctx) {
      const jobs = requireJobs(deps);
      const children = await store.transaction(async (tx) => {
        const t = await requireResource(tx, ctx.scope, KIND, LABEL, input.HyperParameterTuningJobName);
        if (t.status !== 'InProgress') throw new ValidationException(`${LABEL} ${t.name} is in status ${t.status ?? 'unknown'} and cannot be stopped.`);
        const now = clock.now();
        await updateResource(tx, t, { status: 'Stopping', doc: { ...t.doc, HyperParameterTuningJobStatus: 'Stopping', LastModifiedTime: toEpochSeconds(now) }, modifiedAt: now });
        return (await trainingJobsOf(tx, t)).filter((j) => j.status === 'InProgress');
      });
      for (const child of children) {
        await store.transaction(async (tx) => {
          const j = await tx.getResourceByArn(child.arn);
          if (j?.status === 'InProgress') await updateResource(tx, j, { status: 'Stopping', doc: { ...j.doc, TrainingJobStatus: 'Stopping' }, modifiedAt: clock.now() });
        });
        jobs.stop(child.arn, 'user');
      }
      return {};
    },
  };
}
