/**
 * Training jobs: CreateTrainingJob, DescribeTrainingJob, ListTrainingJobs, StopTrainingJob. A job
 * runs for real on the job runtime with SageMaker's training contract: channels downloaded to
 * `/opt/ml/input/data/<channel>`, hyperparameters in `/opt/ml/input/config/hyperparameters.json` and
 * `SM_HP_*`, script mode through `sagemaker_program` / `sagemaker_submit_directory`, the model
 * directory uploaded as `<S3OutputPath>/<job>/output/model.tar.gz`.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo.html
 */
import { cpus } from 'node:os';
import { formatArn } from '../../core/arn.js';
import { toEpochSeconds } from '../../core/clock.js';
import { ValidationException } from '../../core/errors.js';
import type { ResourceRecord } from '../../core/model.js';
import type { JobOutcome, JobPlan } from '../../jobs/job-run.js';
import { invalidMetricRegex } from '../../jobs/job-run.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type {
  CreateTrainingJobRequest,
  DescribeTrainingJobResponse,
  SecondaryStatusTransition,
  TrainingJobSummary,
  TrialComponentParameterValue,
} from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { checkUnique, checkUri, hyperparameterValue, joinUri, requireJobs } from './job-common.js';
import type { JobInputArtifact } from './job-lineage.js';
import { createJobLineage, finalMetrics, finishJobLineage, requireExperimentTrial, TRAINING } from './job-lineage.js';
import { insertResource, requireResource, stripUndefined, updateResource, wireDoc } from './resources.js';
import { listResourcePage } from './resource-listing.js';

const KIND = TRAINING.kind;

function modelUriOf(input: Pick<CreateTrainingJobRequest, 'OutputDataConfig' | 'TrainingJobName'>): string {
  return joinUri(input.OutputDataConfig.S3OutputPath, input.TrainingJobName, 'output', 'model.tar.gz');
}

function validate(input: CreateTrainingJobRequest): void {
  const spec = input.AlgorithmSpecification;
  if (spec.TrainingImage === undefined) {
    throw new ValidationException(
      'AlgorithmSpecification.TrainingImage is required: Stemma runs training locally and does not have the ' +
        `marketplace algorithm ${spec.AlgorithmName ?? ''}.`.replace(' .', '.'),
    );
  }
  const channels = input.InputDataConfig ?? [];
  checkUnique('InputDataConfig ChannelName', channels.map((c) => c.ChannelName));
  for (const c of channels) {
    const s3 = c.DataSource.S3DataSource;
    if (!s3) throw new ValidationException(`Channel ${c.ChannelName}: only S3DataSource is supported locally (not FileSystemDataSource).`);
    checkUri(`Channel ${c.ChannelName} S3Uri`, s3.S3Uri);
  }
  checkUri('OutputDataConfig.S3OutputPath', input.OutputDataConfig.S3OutputPath);
  if (input.CheckpointConfig) checkUri('CheckpointConfig.S3Uri', input.CheckpointConfig.S3Uri);
  const bad = invalidMetricRegex(spec.MetricDefinitions ?? []);
  if (bad !== undefined) throw new ValidationException(`MetricDefinitions: the Regex of metric ${bad} is not a valid regular expression.`);
  const submit = input.HyperParameters?.['sagemaker_submit_directory'];
  if (submit !== undefined) checkUri('HyperParameters sagemaker_submit_directory', hyperparameterValue(submit));
}

/** The run: SageMaker's training container contract laid out in the job's directory. */
export function trainingPlan(input: CreateTrainingJobRequest, workDir: string): JobPlan {
  const hps: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.HyperParameters ?? {})) hps[k] = hyperparameterValue(v);
  const channels = input.InputDataConfig ?? [];
  const program = hps['sagemaker_program'];
  const submit = hps['sagemaker_submit_directory'];
  const userHps = Object.entries(hps).filter(([k]) => !k.startsWith('sagemaker_'));
  const env: Record<string, string> = {
    SM_MODEL_DIR: '/opt/ml/model',
    SM_INPUT_DIR: '/opt/ml/input',
    SM_INPUT_CONFIG_DIR: '/opt/ml/input/config',
    SM_OUTPUT_DIR: '/opt/ml/output',
    SM_OUTPUT_DATA_DIR: '/opt/ml/output/data',
    SM_CHANNELS: JSON.stringify(channels.map((c) => c.ChannelName)),
    SM_HPS: JSON.stringify(Object.fromEntries(userHps)),
    SM_CURRENT_HOST: 'algo-1',
    SM_HOSTS: JSON.stringify(['algo-1']),
    SM_NUM_CPUS: String(cpus().length),
    SM_NUM_GPUS: '0',
    SM_MODULE_DIR: '/opt/ml/code',
    TRAINING_JOB_NAME: input.TrainingJobName,
  };
  if (program !== undefined) env['SM_USER_ENTRY_POINT'] = program;
  for (const c of channels) env[`SM_CHANNEL_${c.ChannelName.toUpperCase()}`] = `/opt/ml/input/data/${c.ChannelName}`;
  for (const [k, v] of userHps) env[`SM_HP_${k.toUpperCase()}`] = v;
  Object.assign(env, input.Environment);
  const spec = input.AlgorithmSpecification;
  // Script mode runs `<image command> <program> --hp value ...` from /opt/ml/code, as SageMaker's
  // framework containers do; otherwise the entrypoint and arguments are the job's own.
  const scriptMode = program !== undefined && spec.ContainerEntrypoint === undefined;
  const output = joinUri(input.OutputDataConfig.S3OutputPath, input.TrainingJobName, 'output');
  return {
    workDir,
    image: spec.TrainingImage as string,
    entrypoint: spec.ContainerEntrypoint,
    arguments: scriptMode ? [program, ...userHps.flatMap(([k, v]) => [`--${k}`, v])] : (spec.ContainerArguments ?? []),
    environment: env,
    inputs: channels.map((c) => ({
      uri: (c.DataSource.S3DataSource as { S3Uri: string }).S3Uri,
      localPath: `/opt/ml/input/data/${c.ChannelName}`,
      label: `channel ${c.ChannelName}`,
    })),
    code: submit === undefined ? undefined : { uri: submit, localPath: '/opt/ml/code' },
    outputs: [
      { localPath: '/opt/ml/model', uri: modelUriOf(input), tarball: true, evenIfStopped: true },
      { localPath: '/opt/ml/output/data', uri: `${output}/output.tar.gz`, tarball: true },
      ...(input.CheckpointConfig
        ? [{ localPath: input.CheckpointConfig.LocalPath ?? '/opt/ml/checkpoints', uri: input.CheckpointConfig.S3Uri, evenIfStopped: true }]
        : []),
    ],
    files: {
      '/opt/ml/input/config/hyperparameters.json': JSON.stringify(input.HyperParameters ?? {}),
      '/opt/ml/input/config/inputdataconfig.json': JSON.stringify(
        Object.fromEntries(
          channels.map((c) => [
            c.ChannelName,
            { ContentType: c.ContentType, TrainingInputMode: c.InputMode ?? spec.TrainingInputMode, RecordWrapperType: c.RecordWrapperType ?? 'None' },
          ]),
        ),
      ),
      '/opt/ml/input/config/resourceconfig.json': JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'], network_interface_name: 'lo' }),
    },
    metricDefinitions: spec.MetricDefinitions ?? [],
    maxRuntimeSeconds: input.StoppingCondition.MaxRuntimeInSeconds,
    cwd: '/opt/ml/code',
  };
}

function summary(r: ResourceRecord): TrainingJobSummary {
  const d = wireDoc<DescribeTrainingJobResponse>(r);
  return stripUndefined({
    TrainingJobName: d.TrainingJobName,
    TrainingJobArn: d.TrainingJobArn,
    CreationTime: d.CreationTime,
    TrainingEndTime: d.TrainingEndTime,
    LastModifiedTime: d.LastModifiedTime,
    TrainingJobStatus: d.TrainingJobStatus,
    SecondaryStatus: d.SecondaryStatus,
  });
}

export function trainingJobOperations(deps: ApiDeps): OperationTable {
  return trainingJobs(deps).operations;
}

/** The training job operations, and job creation for the tuning jobs that start training jobs. */
export function trainingJobs(deps: ApiDeps): {
  operations: OperationTable;
  create: (input: CreateTrainingJobRequest, ctx: RequestContext, tuningJobArn?: string) => Promise<{ TrainingJobArn: string }>;
} {
  const { store, clock } = deps;

  /** Records a run's end: the job's description, its trial component and its model's lineage. */
  async function finish(ctx: RequestContext, input: CreateTrainingJobRequest, arn: string, outcome: JobOutcome): Promise<void> {
    const modelUri = modelUriOf(input);
    const objects = (deps.jobs as NonNullable<ApiDeps['jobs']>).services.objects;
    const hasModel = outcome.status !== 'Failed' && (await objects.list(modelUri).catch((): string[] => [])).includes(modelUri);
    await store.transaction(async (tx) => {
      const job = await tx.getResourceByArn(arn);
      if (!job) return;
      const d = job.doc as DescribeTrainingJobResponse & Record<string, unknown>;
      const secondary = outcome.stoppedBy === 'max-runtime' ? 'MaxRuntimeExceeded' : outcome.status;
      const transitions: SecondaryStatusTransition[] = [
        ...(d.SecondaryStatusTransitions ?? []).map((t) => ({ ...t, EndTime: t.EndTime ?? toEpochSeconds(outcome.startedAt) })),
        { Status: 'Training', StartTime: toEpochSeconds(outcome.startedAt), EndTime: toEpochSeconds(outcome.endedAt) },
        { Status: secondary, StartTime: toEpochSeconds(outcome.endedAt), EndTime: toEpochSeconds(outcome.endedAt), StatusMessage: outcome.failureReason },
      ];
      const seconds = Math.max(0, Math.round((outcome.endedAt - outcome.startedAt) / 1000));
      const doc = {
        ...d,
        TrainingJobStatus: outcome.status,
        SecondaryStatus: secondary,
        FailureReason: outcome.failureReason,
        ModelArtifacts: hasModel ? { S3ModelArtifacts: modelUri } : d.ModelArtifacts,
        TrainingStartTime: toEpochSeconds(outcome.startedAt),
        TrainingEndTime: toEpochSeconds(outcome.endedAt),
        LastModifiedTime: toEpochSeconds(clock.now()),
        SecondaryStatusTransitions: transitions,
        FinalMetricDataList: finalMetrics(outcome.metrics),
        TrainingTimeInSeconds: seconds,
        BillableTimeInSeconds: seconds,
      };
      await updateResource(tx, job, { status: outcome.status, doc: stripUndefined(doc), modifiedAt: clock.now() });
      await finishJobLineage(
        tx,
        deps,
        ctx,
        { kind: TRAINING, name: input.TrainingJobName, arn },
        { status: { PrimaryStatus: outcome.status, Message: outcome.failureReason }, endTime: outcome.endedAt, metrics: outcome.metrics },
        hasModel ? [{ name: 'SageMaker.ModelArtifact', uri: modelUri, type: 'Model' }] : [],
      );
    });
  }

  /** Creates and launches a training job; `tuningJobArn` marks one a tuning job started. */
  async function create(input: CreateTrainingJobRequest, ctx: RequestContext, tuningJobArn?: string): Promise<{ TrainingJobArn: string }> {
    const jobs = requireJobs(deps);
    validate(input);
    const now = clock.now();
    const arn = formatArn(ctx.scope, KIND, input.TrainingJobName.toLowerCase());
    const workDir = jobs.workDirOf(ctx.scope, KIND, input.TrainingJobName);
    const { Tags: tags, ...request } = input;
    await store.transaction(async (tx) => {
      const trial = await requireExperimentTrial(tx, ctx, input.ExperimentConfig);
      const doc = {
        ...request,
        TrainingJobArn: arn,
        TuningJobArn: tuningJobArn,
        TrainingJobStatus: 'InProgress',
        SecondaryStatus: 'Starting',
        ModelArtifacts: undefined,
        CreationTime: toEpochSeconds(now),
        LastModifiedTime: toEpochSeconds(now),
        SecondaryStatusTransitions: [{ Status: 'Starting', StartTime: toEpochSeconds(now), StatusMessage: 'Preparing the instances for training' }],
        _runner: jobs.services.runnerId,
        _workDir: workDir,
      };
      await insertResource(
        tx,
        { account: ctx.scope.account, region: ctx.scope.region, kind: KIND, name: input.TrainingJobName, arn, status: 'InProgress', createdAt: now, modifiedAt: now, doc: stripUndefined(doc) },
        tags,
        `Training job names must be unique within an AWS account and region, and a training job with name ${input.TrainingJobName} already exists.`,
      );
      const spec = input.AlgorithmSpecification;
      const inputs: JobInputArtifact[] = [
        { name: 'SageMaker.ImageUri', uri: spec.TrainingImage as string, type: 'Image' },
        ...(input.InputDataConfig ?? []).map((c) => ({ name: c.ChannelName, uri: (c.DataSource.S3DataSource as { S3Uri: string }).S3Uri, type: 'DataSet' })),
      ];
      const parameters: Record<string, TrialComponentParameterValue> = { 'SageMaker.ImageUri': { StringValue: spec.TrainingImage as string } };
      const resources = input.ResourceConfig;
      if (resources.InstanceType !== undefined) parameters['SageMaker.InstanceType'] = { StringValue: resources.InstanceType };
      if (resources.InstanceCount !== undefined) parameters['SageMaker.InstanceCount'] = { NumberValue: resources.InstanceCount };
      if (resources.VolumeSizeInGB !== undefined) parameters['SageMaker.VolumeSizeInGB'] = { NumberValue: resources.VolumeSizeInGB };
      for (const [k, v] of Object.entries(input.HyperParameters ?? {})) parameters[k] = { StringValue: hyperparameterValue(v) };
      await createJobLineage(tx, deps, ctx, { kind: TRAINING, name: input.TrainingJobName, arn, tags, experiment: input.ExperimentConfig }, inputs, stripUndefined(parameters), trial);
    });
    jobs.launch(arn, trainingPlan(input, workDir), (outcome) => finish(ctx, input, arn, outcome));
    return { TrainingJobArn: arn };
  }

  const operations: OperationTable = {
    CreateTrainingJob: (input, ctx) => create(input, ctx),

    async DescribeTrainingJob(input, ctx) {
      const job = await store.read((r) => requireResource(r, ctx.scope, KIND, TRAINING.label, input.TrainingJobName));
      return wireDoc<DescribeTrainingJobResponse>(job);
    },

    async ListTrainingJobs(input, ctx) {
      const page = await store.read((r) =>
        listResourcePage(r, ctx.scope, input, { operation: 'ListTrainingJobs', kind: KIND, defaultOrder: 'Ascending', status: input.StatusEquals }),
      );
      return { TrainingJobSummaries: page.items.map(summary), NextToken: page.nextToken };
    },

    async StopTrainingJob(input, ctx) {
      await stopJob(deps, ctx, KIND, TRAINING.label, input.TrainingJobName, 'TrainingJobStatus');
      return {};
    },
  };
  return { operations, create };
}

/**
 * Stops a running job: it becomes Stopping, and its run is asked to end (Stopped is recorded when it
 * has). A job this process does not run (its server restarted) is marked Stopped at once.
 */
export async function stopJob(deps: ApiDeps, ctx: RequestContext, kind: string, label: string, name: string, statusMember: string): Promise<void> {
  const jobs = requireJobs(deps);
  const job = await deps.store.transaction(async (tx) => {
    const j = await requireResource(tx, ctx.scope, kind, label, name);
    if (j.status !== 'InProgress') {
      throw new ValidationException(`${label} ${j.name} is in status ${j.status ?? 'unknown'} and cannot be stopped; only a job InProgress can.`);
    }
    const running = jobs.isRunning(j.arn);
    const status = running ? 'Stopping' : 'Stopped';
    const now = deps.clock.now();
    await updateResource(tx, j, { status, doc: { ...j.doc, [statusMember]: status, LastModifiedTime: toEpochSeconds(now) }, modifiedAt: now });
    return j;
  });
  jobs.stop(job.arn, 'user');
}
