/** Action and ModelPackageApprovalAction, with the helpers of spec §5. */
import { CreateActionCommand, DeleteActionCommand, DescribeActionCommand, DescribeModelPackageCommand, ListActionsCommand, UpdateActionCommand } from '@aws-sdk/client-sagemaker';
import type {
  ActionSource,
  ActionStatus,
  ActionSummary,
  DescribeActionResponse,
  DescribeModelPackageCommandOutput,
  ListActionsCommandInput,
  MetadataProperties,
  Tag,
  UserContext,
} from '@aws-sdk/client-sagemaker';
import type { Artifact, DatasetArtifact } from './artifact.js';
import { disassociate } from './associations.js';
import type { EndpointContext } from './context.js';
import type { LineageQueryDirection } from './enums.js';
import { helperObjects } from './helpers.js';
import { allPages } from './pages.js';
import type { LineageSession } from './session.js';
import { TaggedEntity } from './tags.js';

export interface CreateActionOptions {
  readonly actionName: string;
  readonly sourceUri: string;
  readonly actionType: string;
  readonly sourceType?: string;
  readonly sourceId?: string;
  readonly description?: string;
  readonly status?: ActionStatus;
  readonly properties?: Readonly<Record<string, string>>;
  readonly metadataProperties?: MetadataProperties;
  readonly tags?: readonly Tag[];
}

export type ActionFilters = Omit<ListActionsCommandInput, 'NextToken' | 'MaxResults'> & { readonly pageSize?: number };

type ActionClass<T extends Action> = new (session: LineageSession, data: DescribeActionResponse) => T;

export class Action extends TaggedEntity {
  readonly actionArn: string;
  readonly actionName: string;
  readonly source: ActionSource | undefined;
  readonly actionType: string | undefined;
  description: string | undefined;
  status: ActionStatus | undefined;
  properties: Record<string, string>;
  propertiesToRemove: string[] = [];
  readonly metadataProperties: MetadataProperties | undefined;
  readonly creationTime: Date | undefined;
  readonly createdBy: UserContext | undefined;
  readonly lastModifiedTime: Date | undefined;
  readonly lastModifiedBy: UserContext | undefined;
  readonly lineageGroupArn: string | undefined;

  constructor(session: LineageSession, data: DescribeActionResponse) {
    super(session);
    if (!data.ActionArn || !data.ActionName) throw new Error('An action needs its ARN and name.');
    this.actionArn = data.ActionArn;
    this.actionName = data.ActionName;
    this.source = data.Source;
    this.actionType = data.ActionType;
    this.description = data.Description;
    this.status = data.Status;
    this.properties = { ...(data.Properties ?? {}) };
    this.metadataProperties = data.MetadataProperties;
    this.creationTime = data.CreationTime;
    this.createdBy = data.CreatedBy;
    this.lastModifiedTime = data.LastModifiedTime;
    this.lastModifiedBy = data.LastModifiedBy;
    this.lineageGroupArn = data.LineageGroupArn;
  }

  get arn(): string {
    return this.actionArn;
  }

  static async create<T extends Action>(this: ActionClass<T>, session: LineageSession, o: CreateActionOptions): Promise<T> {
    const res = await session.client.send(
      new CreateActionCommand({
        ActionName: o.actionName,
        Source: { SourceUri: o.sourceUri, SourceType: o.sourceType, SourceId: o.sourceId },
        ActionType: o.actionType,
        Description: o.description,
        Status: o.status,
        Properties: o.properties ? { ...o.properties } : undefined,
        MetadataProperties: o.metadataProperties,
        Tags: o.tags ? [...o.tags] : undefined,
      }),
    );
    return new this(session, await session.client.send(new DescribeActionCommand({ ActionName: res.ActionArn ?? o.actionName })));
  }

  /** By name or ARN (an ARN also reaches actions shared from other accounts). */
  /** Called on `Action` itself, an `Approval` action loads as a ModelPackageApprovalAction. */
  static async load<T extends Action>(this: ActionClass<T>, session: LineageSession, actionNameOrArn: string): Promise<T> {
    const data = await session.client.send(new DescribeActionCommand({ ActionName: actionNameOrArn }));
    const cls = (this as unknown) === Action && data.ActionType === 'Approval' ? ModelPackageApprovalAction : this;
    return new cls(session, data) as T;
  }

  static list(session: LineageSession, filters: ActionFilters = {}): AsyncGenerator<ActionSummary> {
    const { pageSize, ...rest } = filters;
    return allPages(async (NextToken) => {
      const res = await session.client.send(new ListActionsCommand({ ...rest, MaxResults: pageSize ?? 100, NextToken }));
      return { items: res.ActionSummaries, nextToken: res.NextToken };
    });
  }

  async save(): Promise<this> {
    await this.session.client.send(
      new UpdateActionCommand({
        ActionName: this.actionName,
        Description: this.description,
        Status: this.status,
        Properties: this.properties,
        ...(this.propertiesToRemove.length > 0 ? { PropertiesToRemove: this.propertiesToRemove } : {}),
      }),
    );
    const fresh = await this.session.client.send(new DescribeActionCommand({ ActionName: this.actionArn }));
    this.properties = { ...(fresh.Properties ?? {}) };
    this.propertiesToRemove = [];
    return this;
  }

  async delete(options: { disassociate?: boolean } = {}): Promise<void> {
    if (options.disassociate) await disassociate(this.session, this.actionArn);
    await this.session.client.send(new DeleteActionCommand({ ActionName: this.actionName }));
  }

  /** Artifacts connected to this action (default Both), typed by their artifact type. */
  async artifacts(direction: LineageQueryDirection = 'Both'): Promise<Artifact[]> {
    return (await helperObjects(this.session, this.actionArn, { direction, entity: 'Artifact' })) as Artifact[];
  }
}

export class ModelPackageApprovalAction extends Action {
  async datasets(direction: LineageQueryDirection = 'Ascendants'): Promise<DatasetArtifact[]> {
    return (await helperObjects(this.session, this.actionArn, { direction, entity: 'Artifact', source: 'DataSet' })) as DatasetArtifact[];
  }

  async endpoints(direction: LineageQueryDirection = 'Descendants'): Promise<EndpointContext[]> {
    return (await helperObjects(this.session, this.actionArn, { direction, entity: 'Context', source: 'Endpoint' })) as EndpointContext[];
  }

  /** DescribeModelPackage on the full model-package ARN of the action's source (spec §9.5's fix). */
  async modelPackage(): Promise<DescribeModelPackageCommandOutput | undefined> {
    const uri = this.source?.SourceUri;
    if (!uri) return undefined;
    return this.session.client.send(new DescribeModelPackageCommand({ ModelPackageName: uri }));
  }
}
