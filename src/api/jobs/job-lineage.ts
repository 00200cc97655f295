/**
 * The trial component of a job and its lineage: `<job>-aws-<kind>-job` with Source = the job's ARN,
 * its inputs (Image, DataSet) ContributedTo it, and — when the job completes — its outputs Produced
 * by it. A job with ExperimentConfig.TrialName joins that trial; the pipeline execution tag is
 * copied to the trial component.
 */
import { ResourceNotFound } from '../../core/errors.js';
import type { EntityRecord, Tag } from '../../core/model.js';
import type { StoreTx } from '../../storage/store.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type { ExperimentConfig, TrialComponentArtifact, TrialComponentParameterValue, TrialComponentStatus } from '../generated/types.js';
import { findEntity } from '../lineage/entities.js';
import { compact } from '../experiments/records.js';
import type { TrialComponentAttrs } from '../experiments/records.js';
import { createTrialComponent } from '../experiments/trial-components.js';
import { reindexEntity, reindexEntityByArn } from '../search/registry.js';
import type { MetricValue } from '../../jobs/job-run.js';
import { ensureArtifact, ensureAssociation } from './auto-lineage.js';

export const PIPELINE_EXECUTION_TAG = 'sagemaker:pipeline-execution-arn';

export interface JobKind {
  /** The ARN resource type. */
  readonly kind: 'training-job' | 'processing-job' | 'transform-job';
  readonly label: string;
  /** `aws-training-job`, the suffix of the trial component's name. */
  readonly componentSuffix: string;
  /** The trial component's Source.SourceType. */
  readonly sourceType: string;
  /** The Describe members that hold the job's status and its start and end times. */
  readonly statusMember: string;
  readonly startMember: string;
  readonly endMember: string;
}

export const TRAINING: JobKind = {
  kind: 'training-job',
  label: 'Training job',
  componentSuffix: 'aws-training-job',
  sourceType: 'SageMakerTrainingJob',
  statusMember: 'TrainingJobStatus',
  startMember: 'TrainingStartTime',
  endMember: 'TrainingEndTime',
};
export const PROCESSING: JobKind = {
  kind: 'processing-job',
  label: 'Processing job',
  componentSuffix: 'aws-processing-job',
  sourceType: 'SageMakerProcessingJob',
  statusMember: 'ProcessingJobStatus',
  startMember: 'ProcessingStartTime',
  endMember: 'ProcessingEndTime',
};
export const TRANSFORM: JobKind = {
  kind: 'transform-job',
  label: 'Transform job',
  componentSuffix: 'aws-transform-job',
  sourceType: 'SageMakerTransformJob',
  statusMember: 'TransformJobStatus',
  startMember: 'TransformStartTime',
  endMember: 'TransformEndTime',
};

export function componentNameOf(kind: JobKind, jobName: string): string {
  return `${jobName}-${kind.componentSuffix}`;
}

export interface JobInputArtifact {
  readonly name: string;
  readonly uri: string;
  /** The type a new artifact gets; an existing artifact keeps its own. */
  readonly type: string;
}

/** Checks what a job's ExperimentConfig names before anything is written. */
export async function requireExperimentTrial(tx: StoreTx, ctx: RequestContext, config: ExperimentConfig | undefined): Promise<EntityRecord | undefined> {
  if (config?.TrialName === undefined) return undefined;
  const trial = await findEntity(tx, ctx.scope, 'experiment-trial', config.TrialName);
  if (!trial) throw new ResourceNotFound(`Trial ${config.TrialName} named in ExperimentConfig does not exist. Create it first with CreateTrial.`);
  if (config.ExperimentName !== undefined && trial.attrs['ExperimentName'] !== config.ExperimentName) {
    throw new ResourceNotFound(`Trial ${config.TrialName} named in ExperimentConfig does not belong to experiment ${config.ExperimentName}.`);
  }
  return trial;
}

/** Creates the job's trial component with its input lineage, in the job's create transaction. */
export async function createJobLineage(
  tx: StoreTx,
  deps: ApiDeps,
  ctx: RequestContext,
  job: { kind: JobKind; name: string; arn: string; tags?: readonly Tag[]; experiment?: ExperimentConfig },
  inputs: readonly JobInputArtifact[],
  parameters: Record<string, TrialComponentParameterValue>,
  trial: EntityRecord | undefined,
): Promise<EntityRecord> {
  const now = deps.clock.now();
  const pipelineTag = job.tags?.filter((t) => t.Key === PIPELINE_EXECUTION_TAG);
  const inputArtifacts: Record<string, TrialComponentArtifact> = {};
  for (const i of inputs) inputArtifacts[i.name] = { Value: i.uri, MediaType: undefined };
  const component = await createTrialComponent(
    tx,
    deps,
    ctx,
    {
      TrialComponentName: componentNameOf(job.kind, job.name),
      DisplayName: job.experiment?.TrialComponentDisplayName ?? job.experiment?.RunName,
      Status: { PrimaryStatus: 'InProgress' },
      StartTime: now / 1000,
      Parameters: parameters,
      InputArtifacts: compact(inputArtifacts),
      Tags: pipelineTag && pipelineTag.length > 0 ? pipelineTag : undefined,
    },
    { source: { SourceArn: job.arn, SourceType: job.kind.sourceType }, automatic: true },
  );
  for (const i of inputs) {
    const artifact = await ensureArtifact(tx, deps, ctx, i.uri, i.type);
    await ensureAssociation(tx, deps, ctx, artifact, component, 'ContributedTo');
  }
  if (trial && (await tx.addTrialMember(trial.id, component.id, now))) {
    await reindexEntity(tx, trial);
    await reindexEntityByArn(tx, component.arn);
  }
  return component;
}

/** Records a job's end on its trial component: status, end time, metrics, and its outputs' lineage. */
export async function finishJobLineage(
  tx: StoreTx,
  deps: ApiDeps,
  ctx: RequestContext,
  job: { kind: JobKind; name: string; arn: string },
  end: { status: TrialComponentStatus; endTime: number; metrics: readonly MetricValue[] },
  outputs: readonly JobInputArtifact[],
): Promise<void> {
  const component = await tx.getEntityByName(ctx.scope, 'experiment-trial-component', componentNameOf(job.kind, job.name));
  if (!component) return; // deleted by a user meanwhile: nothing to record on
  const attrs = component.attrs as TrialComponentAttrs;
  const outputArtifacts: Record<string, TrialComponentArtifact> = { ...attrs.OutputArtifacts };
  for (const o of outputs) outputArtifacts[o.name] = { Value: o.uri };
  await tx.updateEntity(component.id, {
    status: end.status.PrimaryStatus ?? null,
    attrs: compact({ ...attrs, Status: end.status, EndTime: end.endTime, OutputArtifacts: outputs.length > 0 ? outputArtifacts : attrs.OutputArtifacts }),
    modifiedAt: deps.clock.now(),
    modifiedBy: ctx.user,
  });
  if (end.metrics.length > 0) {
    await tx.recordTrialComponentMetrics(
      component.id,
      end.metrics.map((m) => ({ name: m.name, value: m.value, timestamp: m.timestamp, sourceArn: job.arn })),
    );
  }
  for (const o of outputs) {
    const artifact = await ensureArtifact(tx, deps, ctx, o.uri, o.type);
    await ensureAssociation(tx, deps, ctx, component, artifact, 'Produced');
  }
  await reindexEntityByArn(tx, component.arn);
}

/** The last value of each metric, in the order metrics first appeared (FinalMetricDataList). */
export function finalMetrics(metrics: readonly MetricValue[]): { MetricName: string; Value: number; Timestamp: number }[] {
  const last = new Map<string, MetricValue>();
  for (const m of metrics) last.set(m.name, m);
  return [...last.values()].map((m) => ({ MetricName: m.name, Value: m.value, Timestamp: m.timestamp / 1000 }));
}
