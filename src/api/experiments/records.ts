/**
 * Wire shapes of experiments, trials and trial components, built from stored entities. Kind-specific
 * members live in `attrs` (DisplayName, Source, Status, times in ms, Parameters, artifacts,
 * MetadataProperties, and a trial's ExperimentName); the rest in the entity's columns.
 */
import { toEpochSeconds } from '../../core/clock.js';
import type { EntityRecord, Tag } from '../../core/model.js';
import type { MetricSummary } from '../../storage/store.js';
import type {
  DescribeExperimentResponse,
  DescribeTrialComponentResponse,
  DescribeTrialResponse,
  ExperimentSource,
  ExperimentSummary,
  MetadataProperties,
  Parent,
  TrialComponentArtifact,
  TrialComponentMetricSummary,
  TrialComponentParameterValue,
  TrialComponentSimpleSummary,
  TrialComponentSource,
  TrialComponentStatus,
  TrialComponentSummary,
  TrialSource,
  TrialSummary,
} from '../generated/types.js';
import { lineageGroupArn } from '../lineage/entities.js';

/** The `attrs` of a trial component. Times are milliseconds since the epoch. */
export interface TrialComponentAttrs {
  DisplayName?: string;
  Source?: TrialComponentSource;
  Status?: TrialComponentStatus;
  StartTime?: number;
  EndTime?: number;
  Parameters?: Record<string, TrialComponentParameterValue>;
  InputArtifacts?: Record<string, TrialComponentArtifact>;
  OutputArtifacts?: Record<string, TrialComponentArtifact>;
  MetadataProperties?: MetadataProperties;
}

export function componentAttrs(e: EntityRecord): TrialComponentAttrs {
  return e.attrs;
}

function seconds(ms: unknown): number | undefined {
  return typeof ms === 'number' ? toEpochSeconds(ms) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function describeExperiment(e: EntityRecord): DescribeExperimentResponse {
  return {
    ExperimentName: e.name ?? undefined,
    ExperimentArn: e.arn,
    DisplayName: str(e.attrs['DisplayName']),
    Source: e.attrs['Source'] as ExperimentSource | undefined,
    Description: e.description ?? undefined,
    CreationTime: toEpochSeconds(e.createdAt),
    CreatedBy: e.createdBy,
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
    LastModifiedBy: e.modifiedBy,
  };
}

export function experimentSummary(e: EntityRecord): ExperimentSummary {
  return {
    ExperimentArn: e.arn,
    ExperimentName: e.name ?? undefined,
    DisplayName: str(e.attrs['DisplayName']),
    ExperimentSource: e.attrs['Source'] as ExperimentSource | undefined,
    CreationTime: toEpochSeconds(e.createdAt),
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
  };
}

export function describeTrial(e: EntityRecord): DescribeTrialResponse {
  return {
    TrialName: e.name ?? undefined,
    TrialArn: e.arn,
    DisplayName: str(e.attrs['DisplayName']),
    ExperimentName: str(e.attrs['ExperimentName']),
    Source: e.attrs['Source'] as TrialSource | undefined,
    CreationTime: toEpochSeconds(e.createdAt),
    CreatedBy: e.createdBy,
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
    LastModifiedBy: e.modifiedBy,
    MetadataProperties: e.attrs['MetadataProperties'] as MetadataProperties | undefined,
  };
}

export function trialSummary(e: EntityRecord): TrialSummary {
  return {
    TrialArn: e.arn,
    TrialName: e.name ?? undefined,
    DisplayName: str(e.attrs['DisplayName']),
    TrialSource: e.attrs['Source'] as TrialSource | undefined,
    CreationTime: toEpochSeconds(e.createdAt),
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
  };
}

export function metricSummary(m: MetricSummary): TrialComponentMetricSummary {
  return {
    MetricName: m.name,
    SourceArn: m.sourceArn ?? undefined,
    TimeStamp: toEpochSeconds(m.timestamp),
    Max: m.max,
    Min: m.min,
    Last: m.last,
    Count: m.count,
    Avg: m.avg,
    StdDev: m.stdDev,
  };
}

export function describeTrialComponent(e: EntityRecord, metrics: readonly MetricSummary[]): DescribeTrialComponentResponse {
  const a = componentAttrs(e);
  return {
    TrialComponentName: e.name ?? undefined,
    TrialComponentArn: e.arn,
    DisplayName: a.DisplayName,
    Source: a.Source,
    Status: a.Status,
    StartTime: seconds(a.StartTime),
    EndTime: seconds(a.EndTime),
    CreationTime: toEpochSeconds(e.createdAt),
    CreatedBy: e.createdBy,
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
    LastModifiedBy: e.modifiedBy,
    Parameters: a.Parameters,
    InputArtifacts: a.InputArtifacts,
    OutputArtifacts: a.OutputArtifacts,
    MetadataProperties: a.MetadataProperties,
    Metrics: metrics.map(metricSummary),
    LineageGroupArn: lineageGroupArn(e),
    Sources: a.Source ? [a.Source] : undefined,
  };
}

export function trialComponentSummary(e: EntityRecord): TrialComponentSummary {
  const a = componentAttrs(e);
  return {
    TrialComponentName: e.name ?? undefined,
    TrialComponentArn: e.arn,
    DisplayName: a.DisplayName,
    TrialComponentSource: a.Source,
    Status: a.Status,
    StartTime: seconds(a.StartTime),
    EndTime: seconds(a.EndTime),
    CreationTime: toEpochSeconds(e.createdAt),
    CreatedBy: e.createdBy,
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
    LastModifiedBy: e.modifiedBy,
  };
}

export function trialComponentSimpleSummary(e: EntityRecord): TrialComponentSimpleSummary {
  return {
    TrialComponentName: e.name ?? undefined,
    TrialComponentArn: e.arn,
    TrialComponentSource: componentAttrs(e).Source,
    CreationTime: toEpochSeconds(e.createdAt),
    CreatedBy: e.createdBy,
  };
}

export function parentOf(trial: EntityRecord): Parent {
  return { TrialName: trial.name ?? undefined, ExperimentName: str(trial.attrs['ExperimentName']) };
}

/** Drops undefined members, so stored records and responses carry only what is set. */
export function compact<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function withTags<T extends object>(record: T, tags: readonly Tag[]): T & { Tags: Tag[] } {
  return { ...record, Tags: [...tags] };
}
