/**
 * Processing jobs: CreateProcessingJob, DescribeProcessingJob, ListProcessingJobs,
 * StopProcessingJob. Inputs are downloaded to their LocalPath under `/opt/ml/processing`, the
 * container's entrypoint and arguments run on the job runtime, and each output's LocalPath is
 * uploaded to its S3Uri when the job completes.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/build-your-own-processing-container.html
 */
import { formatArn } from '../../core/arn.js';
import { toEpochSeconds } from '../../core/clock.js';
import { ValidationException } from '../../core/errors.js';
import type { ResourceRecord } from '../../core/model.js';
import type { JobOutcome, JobPlan } from '../../jobs/job-run.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type { CreateProcessingJobRequest, DescribeProcessingJobResponse, ProcessingJobSummary, TrialComponentParameterValue } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { checkUnique, checkUri, recordJobEnd, requireJobs } from './job-common.js';
import { createJobLineage, finishJobLineage, PROCESSING, requireExperimentTrial } from './job-lineage.js';
import { insertResource, requireResource, stripUndefined, wireDoc } from './resources.js';
import { listResourcePage } from './resource-listing.js';
import { stopJob } from './training-jobs.js';

const KIND = PROCESSING.kind;
const LOCAL_ROOT = '/opt/ml/processing/';

function checkLocalPath(member: string, path: string | undefined): void {
  if (path === undefined || !path.startsWith(LOCAL_ROOT) || path.split('/').includes('..')) {
    throw new ValidationException(`${member} must be a path under ${LOCAL_ROOT} (got ${path ?? 'none'}).`);
  }
}

function validate(input: CreateProcessingJobRequest): void {
  const inputs = input.ProcessingInputs ?? [];
  const outputs = input.ProcessingOutputConfig?.Outputs ?? [];
  checkUnique('ProcessingInputs InputName', inputs.map((i) => i.InputName));
  checkUnique('ProcessingOutputConfig OutputName', outputs.map((o) => o.OutputName));
  for (const i of inputs) {
    if (!i.S3Input) throw new ValidationException(`ProcessingInput ${i.InputName}: only S3Input is supported locally (not DatasetDefinition).`);
    checkUri(`ProcessingInput ${i.InputName} S3Uri`, i.S3Input.S3Uri);
    checkLocalPath(`ProcessingInput ${i.InputName} LocalPath`, i.S3Input.LocalPath);
  }
  for (const o of outputs) {
    if (!o.S3Output) throw new ValidationException(`ProcessingOutput ${o.OutputName}: only S3Output is supported locally (not FeatureStoreOutput).`);
    checkUri(`ProcessingOutput ${o.OutputName} S3Uri`, o.S3Output.S3Uri);
    checkLocalPath(`ProcessingOutput ${o.OutputName} LocalPath`, o.S3Output.LocalPath);
  }
}

export function processingPlan(input: CreateProcessingJobRequest, workDir: string): JobPlan {
  const app = input.AppSpecification;
  const { Tags: _tags, ...config } = input;
  return {
    workDir,
    image: app.ImageUri,
    entrypoint: app.ContainerEntrypoint,
    arguments: app.ContainerArguments ?? [],
    environment: input.Environment ?? {},
    inputs: (input.ProcessingInputs ?? []).map((i) => {
      const s3 = i.S3Input as { S3Uri: string; LocalPath: string };
      return { uri: s3.S3Uri, localPath: s3.LocalPath, label: `input ${i.InputName}` };
    }),
    outputs: (input.ProcessingOutputConfig?.Outputs ?? []).map((o) => {
      const s3 = o.S3Output as { S3Uri: string; LocalPath: string };
      return { localPath: s3.LocalPath, uri: s3.S3Uri };
    }),
    files: {
      '/opt/ml/config/processingjobconfig.json': JSON.stringify(config),
      '/opt/ml/config/resourceconfig.json': JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'] }),
    },
    metricDefinitions: [],
    maxRuntimeSeconds: input.StoppingCondition?.MaxRuntimeInSeconds,
  };
}

function summary(r: ResourceRecord): ProcessingJobSummary {
  const d = wireDoc<DescribeProcessingJobResponse>(r);
  return stripUndefined({
    ProcessingJobName: d.ProcessingJobName,
    ProcessingJobArn: d.ProcessingJobArn,
    CreationTime: d.CreationTime,
    ProcessingEndTime: d.ProcessingEndTime,
    LastModifiedTime: d.LastModifiedTime,
    ProcessingJobStatus: d.ProcessingJobStatus,
    FailureReason: d.FailureReason,
    ExitMessage: d.ExitMessage,
  });
}

export function processingJobOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;

  async function finish(ctx: RequestContext, input: CreateProcessingJobRequest, arn: string, outcome: JobOutcome): Promise<void> {
    await store.transaction(async (tx) => {
      if (!(await recordJobEnd(tx, clock, arn, PROCESSING, outcome))) return;
      const outputs =
        outcome.status === 'Completed'
          ? (input.ProcessingOutputConfig?.Outputs ?? []).map((o) => ({ name: o.OutputName, uri: (o.S3Output as { S3Uri: string }).S3Uri, type: 'DataSet' }))
          : [];
      await finishJobLineage(
        tx,
        deps,
        ctx,
        { kind: PROCESSING, name: input.ProcessingJobName, arn },
        { status: { PrimaryStatus: outcome.status, Message: outcome.failureReason }, endTime: outcome.endedAt, metrics: outcome.metrics },
        outputs,
      );
    });
  }

  return {
    async CreateProcessingJob(input, ctx) {
      const jobs = requireJobs(deps);
      validate(input);
      const now = clock.now();
      const arn = formatArn(ctx.scope, KIND, input.ProcessingJobName.toLowerCase());
      const workDir = jobs.workDirOf(ctx.scope, KIND, input.ProcessingJobName);
      const { Tags: tags, ...request } = input;
      await store.transaction(async (tx) => {
        const trial = await requireExperimentTrial(tx, ctx, input.ExperimentConfig);
        const doc = {
          ...request,
          ProcessingJobArn: arn,
          ProcessingJobStatus: 'InProgress',
          CreationTime: toEpochSeconds(now),
          LastModifiedTime: toEpochSeconds(now),
          _runner: jobs.services.runnerId,
          _workDir: workDir,
        };
        await insertResource(
          tx,
          { account: ctx.scope.account, region: ctx.scope.region, kind: KIND, name: input.ProcessingJobName, arn, status: 'InProgress', createdAt: now, modifiedAt: now, doc: stripUndefined(doc) },
          tags,
          `Processing job names must be unique within an AWS account and region, and a processing job with name ${input.ProcessingJobName} already exists.`,
        );
        const app = input.AppSpecification;
        const inputs = [
          { name: 'SageMaker.ImageUri', uri: app.ImageUri, type: 'Image' },
          ...(input.ProcessingInputs ?? []).map((i) => ({ name: i.InputName, uri: (i.S3Input as { S3Uri: string }).S3Uri, type: 'DataSet' })),
        ];
        const cluster = input.ProcessingResources.ClusterConfig;
        const parameters: Record<string, TrialComponentParameterValue> = {
          'SageMaker.ImageUri': { StringValue: app.ImageUri },
          'SageMaker.InstanceType': { StringValue: cluster.InstanceType },
          'SageMaker.InstanceCount': { NumberValue: cluster.InstanceCount },
        };
        await createJobLineage(tx, deps, ctx, { kind: PROCESSING, name: input.ProcessingJobName, arn, tags, experiment: input.ExperimentConfig }, inputs, parameters, trial);
      });
      jobs.launch(arn, processingPlan(input, workDir), (outcome) => finish(ctx, input, arn, outcome));
      return { ProcessingJobArn: arn };
    },

    async DescribeProcessingJob(input, ctx) {
      const job = await store.read((r) => requireResource(r, ctx.scope, KIND, PROCESSING.label, input.ProcessingJobName));
      return wireDoc<DescribeProcessingJobResponse>(job);
    },

    async ListProcessingJobs(input, ctx) {
      const page = await store.read((r) =>
        listResourcePage(r, ctx.scope, input, { operation: 'ListProcessingJobs', kind: KIND, defaultOrder: 'Ascending', status: input.StatusEquals }),
      );
      return { ProcessingJobSummaries: page.items.map(summary), NextToken: page.nextToken };
    },

    async StopProcessingJob(input, ctx) {
      await stopJob(deps, ctx, KIND, PROCESSING.label, input.ProcessingJobName, 'ProcessingJobStatus');
      return {};
    },
  };
}
