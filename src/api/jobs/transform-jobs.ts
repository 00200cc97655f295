/**
 * Batch transform jobs: CreateTransformJob, DescribeTransformJob, ListTransformJobs,
 * StopTransformJob. The model is served locally for the job (as an endpoint would be) and every
 * input object is sent through it; the answers land under S3OutputPath as `<name>.out`.
 * Lineage: a trial component `<job>-aws-transform-job` fed by the input DataSet and the model's
 * Model and Image artifacts (ContributedTo); the output prefix, a DataSet, Produced by it.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/batch-transform.html
 */
import { formatArn } from '../../core/arn.js';
import { toEpochSeconds } from '../../core/clock.js';
import type { ResourceRecord } from '../../core/model.js';
import type { JobOutcome } from '../../jobs/job-run.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type { DescribeTransformJobResponse, TransformJobSummary } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { resolveModel } from '../hosting/endpoints.js';
import { checkUri, recordJobEnd, requireJobs } from './job-common.js';
import type { JobInputArtifact } from './job-lineage.js';
import { createJobLineage, finishJobLineage, requireExperimentTrial, TRANSFORM } from './job-lineage.js';
import { insertResource, requireResource, stripUndefined, wireDoc } from './resources.js';
import { listResourcePage } from './resource-listing.js';
import { stopJob } from './training-jobs.js';

const KIND = TRANSFORM.kind;

function summary(r: ResourceRecord): TransformJobSummary {
  const d = wireDoc<DescribeTransformJobResponse & { LastModifiedTime?: number }>(r);
  return stripUndefined({
    TransformJobName: d.TransformJobName,
    TransformJobArn: d.TransformJobArn,
    CreationTime: d.CreationTime,
    TransformEndTime: d.TransformEndTime,
    LastModifiedTime: d.LastModifiedTime,
    TransformJobStatus: d.TransformJobStatus,
    FailureReason: d.FailureReason,
  });
}

export function transformJobOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;

  async function finish(ctx: RequestContext, name: string, arn: string, outputPath: string, outcome: JobOutcome): Promise<void> {
    await store.transaction(async (tx) => {
      if (!(await recordJobEnd(tx, clock, arn, TRANSFORM, outcome))) return;
      await finishJobLineage(
        tx,
        deps,
        ctx,
        { kind: TRANSFORM, name, arn },
        { status: { PrimaryStatus: outcome.status, Message: outcome.failureReason }, endTime: outcome.endedAt, metrics: [] },
        outcome.status === 'Completed' ? [{ name: 'SageMaker.TransformOutput', uri: outputPath, type: 'DataSet' }] : [],
      );
    });
  }

  return {
    async CreateTransformJob(input, ctx) {
      const jobs = requireJobs(deps);
      checkUri('TransformInput S3Uri', input.TransformInput.DataSource.S3DataSource.S3Uri);
      checkUri('TransformOutput.S3OutputPath', input.TransformOutput.S3OutputPath);
      const now = clock.now();
      const arn = formatArn(ctx.scope, KIND, input.TransformJobName.toLowerCase());
      const workDir = jobs.workDirOf(ctx.scope, KIND, input.TransformJobName);
      const { Tags: tags, ...request } = input;
      const deployment = await store.transaction(async (tx) => {
        const trial = await requireExperimentTrial(tx, ctx, input.ExperimentConfig);
        const deployment = await resolveModel(tx, ctx, input.ModelName, 'AllTraffic');
        const doc = {
          ...request,
          TransformJobArn: arn,
          TransformJobStatus: 'InProgress',
          CreationTime: toEpochSeconds(now),
          LastModifiedTime: toEpochSeconds(now),
          _runner: jobs.services.runnerId,
          _workDir: workDir,
        };
        await insertResource(
          tx,
          { account: ctx.scope.account, region: ctx.scope.region, kind: KIND, name: input.TransformJobName, arn, status: 'InProgress', createdAt: now, modifiedAt: now, doc: stripUndefined(doc) },
          tags,
          `Transform job names must be unique within an AWS account and region, and a transform job with name ${input.TransformJobName} already exists.`,
        );
        const inputs: JobInputArtifact[] = [
          { name: 'SageMaker.ImageUri', uri: deployment.container.Image, type: 'Image' },
          ...(deployment.container.ModelDataUrl === undefined ? [] : [{ name: 'SageMaker.ModelArtifact', uri: deployment.container.ModelDataUrl, type: 'Model' }]),
          { name: 'SageMaker.TransformInput', uri: input.TransformInput.DataSource.S3DataSource.S3Uri, type: 'DataSet' },
        ];
        await createJobLineage(
          tx,
          deps,
          ctx,
          { kind: TRANSFORM, name: input.TransformJobName, arn, tags, experiment: input.ExperimentConfig },
          inputs,
          { 'SageMaker.ModelName': { StringValue: input.ModelName }, 'SageMaker.InstanceType': { StringValue: input.TransformResources.InstanceType } },
          trial,
        );
        return deployment;
      });
      jobs.launchTransform(
        arn,
        {
          serving: {
            workDir,
            image: deployment.container.Image,
            modelDataUrl: deployment.container.ModelDataUrl,
            environment: { ...deployment.container.Environment, ...input.Environment },
            startTimeoutMs: 120_000,
          },
          inputUri: input.TransformInput.DataSource.S3DataSource.S3Uri,
          outputPath: input.TransformOutput.S3OutputPath,
          contentType: input.TransformInput.ContentType,
          accept: input.TransformOutput.Accept,
          perLine: input.TransformInput.SplitType === 'Line' && input.BatchStrategy !== 'MultiRecord',
          joinWith: input.TransformOutput.AssembleWith === 'Line' ? '\n' : '',
        },
        (outcome) => finish(ctx, input.TransformJobName, arn, input.TransformOutput.S3OutputPath, outcome),
      );
      return { TransformJobArn: arn };
    },

    async DescribeTransformJob(input, ctx) {
      return wireDoc<DescribeTransformJobResponse>(await store.read((r) => requireResource(r, ctx.scope, KIND, TRANSFORM.label, input.TransformJobName)));
    },

    async ListTransformJobs(input, ctx) {
      const page = await store.read((r) =>
        listResourcePage(r, ctx.scope, input, { operation: 'ListTransformJobs', kind: KIND, defaultOrder: 'Ascending', status: input.StatusEquals }),
      );
      return { TransformJobSummaries: page.items.map(summary), NextToken: page.nextToken };
    },

    async StopTransformJob(input, ctx) {
      await stopJob(deps, ctx, KIND, TRANSFORM.label, input.TransformJobName, 'TransformJobStatus');
      return {};
    },
  };
}
