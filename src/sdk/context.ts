/** Context and its typed kinds (EndpointContext, ModelPackageGroup), with the helpers of spec §5. */
import { CreateContextCommand, DeleteContextCommand, DescribeContextCommand, ListContextsCommand, UpdateContextCommand } from '@aws-sdk/client-sagemaker';
import type { AssociationSummary, ContextSource, ContextSummary, DescribeContextResponse, ListContextsCommandInput, Tag, UserContext } from '@aws-sdk/client-sagemaker';
import type { Action } from './action.js';
import type { ModelArtifact, DatasetArtifact } from './artifact.js';
import { disassociate, listAssociations } from './associations.js';
import { toLineageObjects } from './convert.js';
import type { LineageQueryDirection } from './enums.js';
import { helperObjects, helperVertices, jobArnsOf, pipelineExecutionArnOf } from './helpers.js';
import { allPages, uniqueBy } from './pages.js';
import type { LineageSession } from './session.js';
import { TaggedEntity } from './tags.js';
import type { LineageTrialComponent } from './trial-component.js';

export interface CreateContextOptions {
  readonly contextName: string;
  readonly sourceUri: string;
  readonly contextType: string;
  readonly sourceType?: string;
  readonly sourceId?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly tags?: readonly Tag[];
}

export type ContextFilters = Omit<ListContextsCommandInput, 'NextToken' | 'MaxResults'> & { readonly pageSize?: number };

type ContextClass<T extends Context> = new (session: LineageSession, data: DescribeContextResponse) => T;

export class Context extends TaggedEntity {
  readonly contextArn: string;
  readonly contextName: string;
  readonly source: ContextSource | undefined;
  readonly contextType: string | undefined;
  description: string | undefined;
  properties: Record<string, string>;
  propertiesToRemove: string[] = [];
  readonly creationTime: Date | undefined;
  readonly createdBy: UserContext | undefined;
  readonly lastModifiedTime: Date | undefined;
  readonly lastModifiedBy: UserContext | undefined;
  readonly lineageGroupArn: string | undefined;

  constructor(session: LineageSession, data: DescribeContextResponse) {
    super(session);
    if (!data.ContextArn || !data.ContextName) throw new Error('A context needs its ARN and name.');
    this.contextArn = data.ContextArn;
    this.contextName = data.ContextName;
    this.source = data.Source;
    this.contextType = data.ContextType;
    this.description = data.Description;
    this.properties = { ...(data.Properties ?? {}) };
    this.creationTime = data.CreationTime;
    this.createdBy = data.CreatedBy;
    this.lastModifiedTime = data.LastModifiedTime;
    this.lastModifiedBy = data.LastModifiedBy;
    this.lineageGroupArn = data.LineageGroupArn;
  }

  get arn(): string {
    return this.contextArn;
  }

  static async create<T extends Context>(this: ContextClass<T>, session: LineageSession, o: CreateContextOptions): Promise<T> {
    const res = await session.client.send(
      new CreateContextCommand({
        ContextName: o.contextName,
        Source: { SourceUri: o.sourceUri, SourceType: o.sourceType, SourceId: o.sourceId },
        ContextType: o.contextType,
        Description: o.description,
        Properties: o.properties ? { ...o.properties } : undefined,
        Tags: o.tags ? [...o.tags] : undefined,
      }),
    );
    return new this(session, await session.client.send(new DescribeContextCommand({ ContextName: res.ContextArn ?? o.contextName })));
  }

  /** By name or ARN (an ARN also reaches contexts shared from other accounts). */
  /** Called on `Context` itself, the class follows the type: `Endpoint` → EndpointContext, `ModelGroup` → ModelPackageGroup. */
  static async load<T extends Context>(this: ContextClass<T>, session: LineageSession, contextNameOrArn: string): Promise<T> {
    const data = await session.client.send(new DescribeContextCommand({ ContextName: contextNameOrArn }));
    const cls = (this as unknown) === Context ? contextClassFor(data.ContextType) : this;
    return new cls(session, data) as T;
  }

  static list(session: LineageSession, filters: ContextFilters = {}): AsyncGenerator<ContextSummary> {
    const { pageSize, ...rest } = filters;
    return allPages(async (NextToken) => {
      const res = await session.client.send(new ListContextsCommand({ ...rest, MaxResults: pageSize ?? 100, NextToken }));
      return { items: res.ContextSummaries, nextToken: res.NextToken };
    });
  }

  async save(): Promise<this> {
    await this.session.client.send(
      new UpdateContextCommand({
        ContextName: this.contextName,
        Description: this.description,
        Properties: this.properties,
        ...(this.propertiesToRemove.length > 0 ? { PropertiesToRemove: this.propertiesToRemove } : {}),
      }),
    );
    const fresh = await this.session.client.send(new DescribeContextCommand({ ContextName: this.contextArn }));
    this.properties = { ...(fresh.Properties ?? {}) };
    this.propertiesToRemove = [];
    return this;
  }

  async delete(options: { disassociate?: boolean } = {}): Promise<void> {
    if (options.disassociate) await disassociate(this.session, this.contextArn);
    await this.session.client.send(new DeleteContextCommand({ ContextName: this.contextName }));
  }

  /** Actions connected to this context; the direction is required, as in the Python SDK. */
  async actions(direction: LineageQueryDirection): Promise<Action[]> {
    return (await helperObjects(this.session, this.contextArn, { direction, entity: 'Action' })) as Action[];
  }
}

export class EndpointContext extends Context {
  /**
   * The associations from Model artifacts to the deployment actions of this endpoint
   * (ListAssociations, all pages), in the direction SageMaker wires them: model → deployment →
   * endpoint (spec §9.4).
   */
  async models(): Promise<AssociationSummary[]> {
    const deployments = await listAssociations(this.session, { DestinationArn: this.contextArn, SourceType: 'ModelDeployment' });
    const out: AssociationSummary[] = [];
    for (const d of deployments) {
      if (d.SourceArn) out.push(...(await listAssociations(this.session, { DestinationArn: d.SourceArn, SourceType: 'Model' })));
    }
    return uniqueBy(out, (a) => `${a.SourceArn}\u0000${a.DestinationArn}`);
  }

  /**
   * The Model artifacts deployed to this endpoint: the ModelDeployment actions found in
   * `direction` (default Ascendants, the real wiring), then the Model artifacts one association
   * upstream of any of them, in one multi-start query, without repeats.
   */
  async modelsV2(direction: LineageQueryDirection = 'Ascendants'): Promise<ModelArtifact[]> {
    const deployments = await helperVertices(this.session, [this.contextArn], { direction, entity: 'Action', source: 'ModelDeployment' });
    const models = await helperVertices(this.session, deployments.map((d) => d.arn), { direction: 'Ascendants', entity: 'Artifact', source: 'Model', maxDepth: 1 });
    return (await toLineageObjects(this.session, models)) as ModelArtifact[];
  }

  async datasetArtifacts(direction: LineageQueryDirection = 'Ascendants'): Promise<DatasetArtifact[]> {
    return (await helperObjects(this.session, this.contextArn, { direction, entity: 'Artifact', source: 'DataSet' })) as DatasetArtifact[];
  }

  async trainingJobArns(direction: LineageQueryDirection = 'Ascendants'): Promise<string[]> {
    const tcs = await helperVertices(this.session, [this.contextArn], { direction, entity: 'TrialComponent', source: 'TrainingJob' });
    return jobArnsOf(this.session, tcs.map((v) => v.arn));
  }

  async processingJobs(direction: LineageQueryDirection = 'Ascendants'): Promise<LineageTrialComponent[]> {
    return (await helperObjects(this.session, this.contextArn, { direction, entity: 'TrialComponent', source: 'ProcessingJob' })) as LineageTrialComponent[];
  }

  async transformJobs(direction: LineageQueryDirection = 'Ascendants'): Promise<LineageTrialComponent[]> {
    return (await helperObjects(this.session, this.contextArn, { direction, entity: 'TrialComponent', source: 'TransformJob' })) as LineageTrialComponent[];
  }

  async trialComponents(direction: LineageQueryDirection = 'Ascendants'): Promise<LineageTrialComponent[]> {
    return (await helperObjects(this.session, this.contextArn, { direction, entity: 'TrialComponent' })) as LineageTrialComponent[];
  }

  async pipelineExecutionArn(direction: LineageQueryDirection = 'Ascendants'): Promise<string | undefined> {
    return pipelineExecutionArnOf(this.session, await this.trainingJobArns(direction));
  }
}

export class ModelPackageGroup extends Context {
  /** The `PipelineExecutionArn` property, when the group has one. No API call. */
  pipelineExecutionArn(): string | undefined {
    return this.properties['PipelineExecutionArn'];
  }
}

/** The class a context of this type is loaded as. */
export function contextClassFor(type: string | undefined): ContextClass<Context> {
  if (type === 'Endpoint') return EndpointContext;
  if (type === 'ModelGroup') return ModelPackageGroup;
  return Context;
}
