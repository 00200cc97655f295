/**
 * Training jobs, model packages, model package groups and endpoints as Search resources: their
 * SearchRecord is their Describe answer plus Tags, kept current on every write
 * (resources.ts saveResource). SageMaker's Search has no ProcessingJob or TransformJob resource.
 */
import type { ResourceRecord } from '../../core/model.js';
import type { StoreReader } from '../../storage/store.js';
import { flattenRecord } from '../search/flatten.js';
import type { PropertyTemplate } from '../search/properties.js';
import { PropertyCatalog } from '../search/properties.js';
import type { SearchableRecordType } from '../search/resource.js';
import { userContextTemplates } from '../search/resource.js';

const text = (name: string): PropertyTemplate => ({ name, type: 'text' });
const time = (name: string): PropertyTemplate => ({ name, type: 'time' });
const num = (name: string): PropertyTemplate => ({ name, type: 'number' });

async function documentOf(reader: StoreReader, r: ResourceRecord, keyed: Record<string, { key: string; value?: string }> = {}) {
  const wire = Object.fromEntries(Object.entries(r.doc).filter(([k]) => !k.startsWith('_')));
  const record = { ...wire, Tags: await reader.listTags({ resourceArn: r.arn, limit: 50 }) };
  return { record, leaves: flattenRecord(record, { keyedLists: { Tags: { key: 'Key', value: 'Value' }, ...keyed } }) };
}

function searchable(
  resource: SearchableRecordType['resource'],
  resourceKind: string,
  templates: PropertyTemplate[],
  nameMember: string,
  keyed: Record<string, { key: string; value?: string }> = {},
): SearchableRecordType {
  return {
    resource,
    recordMember: resource as SearchableRecordType['recordMember'],
    resourceKind,
    properties: new PropertyCatalog([...templates, time('CreationTime'), time('LastModifiedTime'), text('Tags.{key}')]),
    nestedLists: [],
    unlimitedContains: [nameMember, 'Tags'],
    document: (reader, r) => documentOf(reader, r, keyed),
  };
}

export const RESOURCE_SEARCHES: readonly SearchableRecordType[] = [
  searchable(
    'TrainingJob',
    'training-job',
    [
      text('TrainingJobName'),
      text('TrainingJobArn'),
      text('TrainingJobStatus'),
      text('SecondaryStatus'),
      text('FailureReason'),
      text('RoleArn'),
      time('TrainingStartTime'),
      time('TrainingEndTime'),
      num('TrainingTimeInSeconds'),
      text('HyperParameters.{key}'),
      text('AlgorithmSpecification.TrainingImage'),
      text('AlgorithmSpecification.TrainingInputMode'),
      text('InputDataConfig.ChannelName'),
      text('InputDataConfig.DataSource.S3DataSource.S3Uri'),
      text('OutputDataConfig.S3OutputPath'),
      text('ModelArtifacts.S3ModelArtifacts'),
      num('FinalMetricDataList.{key}.Value'),
      time('FinalMetricDataList.{key}.Timestamp'),
      text('ExperimentConfig.ExperimentName'),
      text('ExperimentConfig.TrialName'),
      text('Environment.{key}'),
    ],
    'TrainingJobName',
    { FinalMetricDataList: { key: 'MetricName' } },
  ),
  searchable(
    'ModelPackage',
    'model-package',
    [
      text('ModelPackageName'),
      text('ModelPackageGroupName'),
      num('ModelPackageVersion'),
      text('ModelPackageArn'),
      text('ModelPackageDescription'),
      text('ModelPackageStatus'),
      text('ModelApprovalStatus'),
      text('ApprovalDescription'),
      text('Domain'),
      text('Task'),
      text('CustomerMetadataProperties.{key}'),
      text('InferenceSpecification.Containers.Image'),
      text('InferenceSpecification.Containers.ModelDataUrl'),
      ...['CommitId', 'Repository', 'GeneratedBy', 'ProjectId'].map((m) => text(`MetadataProperties.${m}`)),
      ...userContextTemplates('CreatedBy'),
      ...userContextTemplates('LastModifiedBy'),
    ],
    'ModelPackageName',
  ),
  searchable(
    'ModelPackageGroup',
    'model-package-group',
    [text('ModelPackageGroupName'), text('ModelPackageGroupArn'), text('ModelPackageGroupDescription'), text('ModelPackageGroupStatus'), ...userContextTemplates('CreatedBy')],
    'ModelPackageGroupName',
  ),
  searchable(
    'Endpoint',
    'endpoint',
    [text('EndpointName'), text('EndpointArn'), text('EndpointConfigName'), text('EndpointStatus'), text('FailureReason'), text('ProductionVariants.VariantName')],
    'EndpointName',
  ),
];
