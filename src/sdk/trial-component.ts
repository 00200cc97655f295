/**
 * LineageTrialComponent: a trial component as a lineage vertex (usually one job), loaded with
 * DescribeTrialComponent — by ARN it also reaches a trial component shared from another account.
 */
import { DescribeTrialComponentCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeTrialComponentResponse, TrialComponentSource } from '@aws-sdk/client-sagemaker';
import type { Artifact, DatasetArtifact } from './artifact.js';
import type { LineageQueryDirection } from './enums.js';
import { helperObjects, pipelineExecutionArnOf } from './helpers.js';
import type { LineageSession } from './session.js';
import { TaggedEntity } from './tags.js';

export class LineageTrialComponent extends TaggedEntity {
  readonly trialComponentArn: string;
  readonly trialComponentName: string;
  readonly displayName: string | undefined;
  /** `{SourceArn, SourceType}`, e.g. the training job and `SageMakerTrainingJob`. */
  readonly source: TrialComponentSource | undefined;
  readonly creationTime: Date | undefined;
  readonly lastModifiedTime: Date | undefined;
  readonly lineageGroupArn: string | undefined;
  readonly raw: DescribeTrialComponentResponse;

  constructor(session: LineageSession, data: DescribeTrialComponentResponse) {
    super(session);
    if (!data.TrialComponentArn || !data.TrialComponentName) throw new Error('A trial component needs its ARN and name.');
    this.trialComponentArn = data.TrialComponentArn;
    this.trialComponentName = data.TrialComponentName;
    this.displayName = data.DisplayName;
    this.source = data.Source;
    this.creationTime = data.CreationTime;
    this.lastModifiedTime = data.LastModifiedTime;
    this.lineageGroupArn = data.LineageGroupArn;
    this.raw = data;
  }

  get arn(): string {
    return this.trialComponentArn;
  }

  /** By name or ARN. */
  static async load(session: LineageSession, trialComponentNameOrArn: string): Promise<LineageTrialComponent> {
    return new LineageTrialComponent(session, await session.client.send(new DescribeTrialComponentCommand({ TrialComponentName: trialComponentNameOrArn })));
  }

  /** The pipeline execution that ran this component's job (its tag), described afresh. */
  async pipelineExecutionArn(): Promise<string | undefined> {
    const fresh = await this.session.client.send(new DescribeTrialComponentCommand({ TrialComponentName: this.trialComponentArn }));
    const job = fresh.Source?.SourceArn;
    return job ? pipelineExecutionArnOf(this.session, [job]) : undefined;
  }

  async datasetArtifacts(direction: LineageQueryDirection = 'Ascendants'): Promise<DatasetArtifact[]> {
    return (await helperObjects(this.session, this.trialComponentArn, { direction, entity: 'Artifact', source: 'DataSet' })) as DatasetArtifact[];
  }

  async models(direction: LineageQueryDirection = 'Descendants'): Promise<Artifact[]> {
    return (await helperObjects(this.session, this.trialComponentArn, { direction, entity: 'Artifact', source: 'Model' })) as Artifact[];
  }
}
