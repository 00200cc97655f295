/**
 * Experiments, trials and trial components as Search resources (`Experiment`, `ExperimentTrial`,
 * `ExperimentTrialComponent`): their property catalogs and SearchRecords.
 */
import type { EntityRecord, Tag } from '../../core/model.js';
import type { StoreReader } from '../../storage/store.js';
import type { Experiment, Trial, TrialComponent } from '../generated/types.js';
import { flattenRecord } from '../search/flatten.js';
import type { PropertyTemplate } from '../search/properties.js';
import { PropertyCatalog } from '../search/properties.js';
import type { SearchableResource } from '../search/resource.js';
import { userContextTemplates } from '../search/resource.js';
import {
  compact,
  describeExperiment,
  describeTrial,
  describeTrialComponent,
  metricSummary,
  parentOf,
  trialComponentSimpleSummary,
} from './records.js';

const text = (name: string): PropertyTemplate => ({ name, type: 'text' });
const time = (name: string): PropertyTemplate => ({ name, type: 'time' });
const num = (name: string): PropertyTemplate => ({ name, type: 'number' });

const common = (): PropertyTemplate[] => [
  text('DisplayName'),
  text('Source.SourceArn'),
  text('Source.SourceType'),
  time('CreationTime'),
  time('LastModifiedTime'),
  ...userContextTemplates('CreatedBy'),
  ...userContextTemplates('LastModifiedBy'),
  text('Tags.{key}'),
];

const metadata = ['CommitId', 'Repository', 'GeneratedBy', 'ProjectId'].map((m) => text(`MetadataProperties.${m}`));

const KEYED_TAGS = { Tags: { key: 'Key', value: 'Value' } };

/** Every tag of an entity (at most 50, so one page). */
async function tagsOf(reader: StoreReader, arn: string): Promise<Tag[]> {
  return reader.listTags({ resourceArn: arn, limit: 50 });
}

export const EXPERIMENT_SEARCH: SearchableResource = {
  resource: 'Experiment',
  recordMember: 'Experiment',
  kind: 'experiment',
  properties: new PropertyCatalog([text('ExperimentName'), text('ExperimentArn'), text('Description'), ...common()]),
  nestedLists: [],
  unlimitedContains: ['DisplayName', 'ExperimentName', 'Tags'],
  async document(reader: StoreReader, e: EntityRecord) {
    const record: Experiment = compact({ ...describeExperiment(e), Tags: await tagsOf(reader, e.arn) });
    return { record: record as Record<string, unknown>, leaves: flattenRecord(record as Record<string, unknown>, { keyedLists: KEYED_TAGS }) };
  },
};

export const TRIAL_SEARCH: SearchableResource = {
  resource: 'ExperimentTrial',
  recordMember: 'Trial',
  kind: 'experiment-trial',
  properties: new PropertyCatalog([
    text('TrialName'),
    text('TrialArn'),
    text('ExperimentName'),
    ...common(),
    ...metadata,
    text('TrialComponentSummaries.TrialComponentName'),
    text('TrialComponentSummaries.TrialComponentArn'),
    text('TrialComponentSummaries.TrialComponentSource.SourceArn'),
    text('TrialComponentSummaries.TrialComponentSource.SourceType'),
    time('TrialComponentSummaries.CreationTime'),
    ...userContextTemplates('TrialComponentSummaries.CreatedBy'),
  ]),
  nestedLists: ['TrialComponentSummaries'],
  unlimitedContains: ['DisplayName', 'TrialName', 'Tags'],
  async document(reader: StoreReader, e: EntityRecord) {
    const components = await reader.listComponentsOfTrial(e.id);
    const record: Trial = compact({
      ...describeTrial(e),
      Tags: await tagsOf(reader, e.arn),
      TrialComponentSummaries: components.map(trialComponentSimpleSummary),
    });
    const leaves = flattenRecord(record as Record<string, unknown>, { keyedLists: KEYED_TAGS, elementLists: ['TrialComponentSummaries'] });
    return { record: record as Record<string, unknown>, leaves };
  },
};

const STATS = ['Max', 'Min', 'Last', 'Count', 'Avg', 'StdDev'];

export const TRIAL_COMPONENT_SEARCH: SearchableResource = {
  resource: 'ExperimentTrialComponent',
  recordMember: 'TrialComponent',
  kind: 'experiment-trial-component',
  properties: new PropertyCatalog([
    text('TrialComponentName'),
    text('TrialComponentArn'),
    ...common(),
    text('Status.PrimaryStatus'),
    text('Status.Message'),
    time('StartTime'),
    time('EndTime'),
    text('Parameters.{key}.StringValue'),
    num('Parameters.{key}.NumberValue'),
    text('InputArtifacts.{key}.Value'),
    text('InputArtifacts.{key}.MediaType'),
    text('OutputArtifacts.{key}.Value'),
    text('OutputArtifacts.{key}.MediaType'),
    ...STATS.map((s) => num(`Metrics.{key}.${s}`)),
    time('Metrics.{key}.TimeStamp'),
    text('Metrics.{key}.SourceArn'),
    ...metadata,
    text('SourceDetail.SourceArn'),
    text('LineageGroupArn'),
    text('Parents.TrialName'),
    text('Parents.ExperimentName'),
    text('RunName'),
  ]),
  nestedLists: ['Parents'],
  unlimitedContains: ['DisplayName', 'TrialComponentName', 'Tags', 'InputArtifacts', 'OutputArtifacts'],
  async document(reader: StoreReader, e: EntityRecord) {
    const [metrics, trials, tags] = [await reader.listTrialComponentMetrics(e.id), await reader.listTrialsOfComponent(e.id), await tagsOf(reader, e.arn)];
    const { Sources: _sources, ...described } = describeTrialComponent(e, metrics);
    const record: TrialComponent = compact({
      ...described,
      Metrics: metrics.map(metricSummary),
      SourceDetail: described.Source ? { SourceArn: described.Source.SourceArn } : undefined,
      Tags: tags,
      Parents: trials.map(parentOf),
    });
    const leaves = flattenRecord(record as Record<string, unknown>, {
      keyedLists: { ...KEYED_TAGS, Metrics: { key: 'MetricName' } },
      elementLists: ['Parents'],
    });
    return { record: record as Record<string, unknown>, leaves };
  },
};
