/** Artifact and its typed kinds (Model, DataSet, Image), with the helpers of spec §5. */
import {
  CreateArtifactCommand,
  DeleteArtifactCommand,
  DescribeArtifactCommand,
  ListArtifactsCommand,
  UpdateArtifactCommand,
} from '@aws-sdk/client-sagemaker';
import type {
  ArtifactSource,
  ArtifactSourceType,
  ArtifactSummary,
  AssociationSummary,
  DescribeArtifactResponse,
  ListArtifactsCommandInput,
  MetadataProperties,
  Tag,
  UserContext,
} from '@aws-sdk/client-sagemaker';
import { disassociate, listAssociations } from './associations.js';
import type { LineageObject } from './convert.js';
import type { LineageQueryDirection } from './enums.js';
import { helperObjects, helperVertices, jobArnsOf, pipelineExecutionArnOf, trialNamesOf } from './helpers.js';
import { allPages, collect, uniqueBy } from './pages.js';
import type { LineageSession } from './session.js';
import { TaggedEntity } from './tags.js';
import type { EndpointContext } from './context.js';

export interface CreateArtifactOptions {
  readonly sourceUri: string;
  readonly artifactType: string;
  readonly artifactName?: string;
  readonly sourceTypes?: readonly ArtifactSourceType[];
  readonly properties?: Readonly<Record<string, string>>;
  readonly metadataProperties?: MetadataProperties;
  readonly tags?: readonly Tag[];
}

export type ArtifactFilters = Omit<ListArtifactsCommandInput, 'NextToken' | 'MaxResults'> & { readonly pageSize?: number };

type ArtifactClass<T extends Artifact> = new (session: LineageSession, data: DescribeArtifactResponse) => T;

export class Artifact extends TaggedEntity {
  readonly artifactArn: string;
  artifactName: string | undefined;
  readonly source: ArtifactSource | undefined;
  readonly artifactType: string | undefined;
  /** Sent by `save()`: merged into the stored properties by key. */
  properties: Record<string, string>;
  /** Sent by `save()`, then cleared. */
  propertiesToRemove: string[] = [];
  readonly metadataProperties: MetadataProperties | undefined;
  readonly creationTime: Date | undefined;
  readonly createdBy: UserContext | undefined;
  readonly lastModifiedTime: Date | undefined;
  readonly lastModifiedBy: UserContext | undefined;
  readonly lineageGroupArn: string | undefined;

  constructor(session: LineageSession, data: DescribeArtifactResponse) {
    super(session);
    if (!data.ArtifactArn) throw new Error('An artifact needs its ARN.');
    this.artifactArn = data.ArtifactArn;
    this.artifactName = data.ArtifactName;
    this.source = data.Source;
    this.artifactType = data.ArtifactType;
    this.properties = { ...(data.Properties ?? {}) };
    this.metadataProperties = data.MetadataProperties;
    this.creationTime = data.CreationTime;
    this.createdBy = data.CreatedBy;
    this.lastModifiedTime = data.LastModifiedTime;
    this.lastModifiedBy = data.LastModifiedBy;
    this.lineageGroupArn = data.LineageGroupArn;
  }

  get arn(): string {
    return this.artifactArn;
  }

  /** Creates the artifact, then describes it (so times and creator are filled in). */
  static async create<T extends Artifact>(this: ArtifactClass<T>, session: LineageSession, options: CreateArtifactOptions): Promise<T> {
    const res = await session.client.send(
      new CreateArtifactCommand({
        ArtifactName: options.artifactName,
        Source: { SourceUri: options.sourceUri, ...(options.sourceTypes ? { SourceTypes: [...options.sourceTypes] } : {}) },
        ArtifactType: options.artifactType,
        Properties: options.properties ? { ...options.properties } : undefined,
        MetadataProperties: options.metadataProperties,
        Tags: options.tags ? [...options.tags] : undefined,
      }),
    );
    return new this(session, await session.client.send(new DescribeArtifactCommand({ ArtifactArn: res.ArtifactArn })));
  }

  /**
   * Describes an artifact. Called on `Artifact` itself, the object's class follows its type
   * (`Model` → ModelArtifact, `DataSet` → DatasetArtifact, `Image` → ImageArtifact).
   */
  static async load<T extends Artifact>(this: ArtifactClass<T>, session: LineageSession, artifactArn: string): Promise<T> {
    const data = await session.client.send(new DescribeArtifactCommand({ ArtifactArn: artifactArn }));
    const cls = (this as unknown) === Artifact ? artifactClassFor(data.ArtifactType) : this;
    return new cls(session, data) as T;
  }

  /** Every artifact matching the filters, all pages, lazily. */
  static list(session: LineageSession, filters: ArtifactFilters = {}): AsyncGenerator<ArtifactSummary> {
    const { pageSize, ...rest } = filters;
    return allPages(async (NextToken) => {
      const res = await session.client.send(new ListArtifactsCommand({ ...rest, MaxResults: pageSize ?? 100, NextToken }));
      return { items: res.ArtifactSummaries, nextToken: res.NextToken };
    });
  }

  /** Sends the name, properties and properties to remove; returns the reloaded artifact. */
  async save(): Promise<this> {
    await this.session.client.send(
      new UpdateArtifactCommand({
        ArtifactArn: this.artifactArn,
        ArtifactName: this.artifactName,
        Properties: this.properties,
        ...(this.propertiesToRemove.length > 0 ? { PropertiesToRemove: this.propertiesToRemove } : {}),
      }),
    );
    const fresh = await this.session.client.send(new DescribeArtifactCommand({ ArtifactArn: this.artifactArn }));
    this.properties = { ...(fresh.Properties ?? {}) };
    this.propertiesToRemove = [];
    return this;
  }

  /** Deletes the artifact; with `disassociate`, its associations first (outgoing, then incoming). */
  async delete(options: { disassociate?: boolean } = {}): Promise<void> {
    if (options.disassociate) await disassociate(this.session, this.artifactArn);
    await this.session.client.send(new DeleteArtifactCommand({ ArtifactArn: this.artifactArn }));
  }

  /** Names of the trials whose trial components this artifact feeds directly (ListAssociations, all pages). */
  async downstreamTrials(): Promise<string[]> {
    const outgoing = await listAssociations(this.session, { SourceArn: this.artifactArn });
    return trialNamesOf(this.session, outgoing.map((a) => a.DestinationArn ?? '').filter((a) => a.includes(':experiment-trial-component/')));
  }

  /** Names of the trials of every trial component downstream of this artifact (a query). */
  async downstreamTrialsV2(): Promise<string[]> {
    const tcs = await helperVertices(this.session, [this.artifactArn], { direction: 'Descendants', entity: 'TrialComponent' });
    return trialNamesOf(this.session, tcs.map((v) => v.arn));
  }

  /** Names of the trials of every trial component upstream of this artifact. */
  async upstreamTrials(): Promise<string[]> {
    const tcs = await helperVertices(this.session, [this.artifactArn], { direction: 'Ascendants', entity: 'TrialComponent' });
    return trialNamesOf(this.session, tcs.map((v) => v.arn));
  }

  /** Every artifact whose SourceUri is `s3Uri` (all pages). */
  s3UriArtifacts(s3Uri: string): Promise<ArtifactSummary[]> {
    return collect(Artifact.list(this.session, { SourceUri: s3Uri }));
  }
}

function asEndpoints(objects: LineageObject[]): EndpointContext[] {
  return objects as EndpointContext[];
}

export class ModelArtifact extends Artifact {
  /**
   * The associations from this model's deployment actions to endpoint contexts (ListAssociations,
   * all pages), matching the real type strings `ModelDeployment` and `Endpoint` (spec §9.4).
   */
  async endpoints(): Promise<AssociationSummary[]> {
    const deployments = await listAssociations(this.session, { SourceArn: this.artifactArn, DestinationType: 'ModelDeployment' });
    const out: AssociationSummary[] = [];
    for (const d of deployments) {
      if (d.DestinationArn) out.push(...(await listAssociations(this.session, { SourceArn: d.DestinationArn, DestinationType: 'Endpoint' })));
    }
    return uniqueBy(out, (a) => `${a.SourceArn}\u0000${a.DestinationArn}`);
  }

  async endpointContexts(direction: LineageQueryDirection = 'Descendants'): Promise<EndpointContext[]> {
    return asEndpoints(await helperObjects(this.session, this.artifactArn, { direction, entity: 'Context', source: 'Endpoint' }));
  }

  async datasetArtifacts(direction: LineageQueryDirection = 'Ascendants'): Promise<DatasetArtifact[]> {
    return (await helperObjects(this.session, this.artifactArn, { direction, entity: 'Artifact', source: 'DataSet' })) as DatasetArtifact[];
  }

  /** The training jobs that produced this model (or its ancestors), by DescribeTrialComponent. */
  async trainingJobArns(direction: LineageQueryDirection = 'Ascendants'): Promise<string[]> {
    const tcs = await helperVertices(this.session, [this.artifactArn], { direction, entity: 'TrialComponent', source: 'TrainingJob' });
    return jobArnsOf(this.session, tcs.map((v) => v.arn));
  }

  async pipelineExecutionArn(direction: LineageQueryDirection = 'Ascendants'): Promise<string | undefined> {
    return pipelineExecutionArnOf(this.session, await this.trainingJobArns(direction));
  }
}

export class DatasetArtifact extends Artifact {
  /**
   * The associations from the trial components this dataset feeds directly to the `Model`
   * artifacts they produced (ListAssociations, all pages; spec §9.4's intent).
   */
  async trainedModels(): Promise<AssociationSummary[]> {
    const uses = await listAssociations(this.session, { SourceArn: this.artifactArn });
    const out: AssociationSummary[] = [];
    for (const u of uses) {
      if (u.DestinationArn?.includes(':experiment-trial-component/')) {
        out.push(...(await listAssociations(this.session, { SourceArn: u.DestinationArn, DestinationType: 'Model' })));
      }
    }
    return uniqueBy(out, (a) => `${a.SourceArn}\u0000${a.DestinationArn}`);
  }

  async endpointContexts(direction: LineageQueryDirection = 'Descendants'): Promise<EndpointContext[]> {
    return asEndpoints(await helperObjects(this.session, this.artifactArn, { direction, entity: 'Context', source: 'Endpoint' }));
  }

  async upstreamDatasets(): Promise<DatasetArtifact[]> {
    return (await helperObjects(this.session, this.artifactArn, { direction: 'Ascendants', entity: 'Artifact', source: 'DataSet' })) as DatasetArtifact[];
  }

  async downstreamDatasets(): Promise<DatasetArtifact[]> {
    return (await helperObjects(this.session, this.artifactArn, { direction: 'Descendants', entity: 'Artifact', source: 'DataSet' })) as DatasetArtifact[];
  }
}

export class ImageArtifact extends Artifact {
  /** Datasets connected to this image; the direction is required, as in the Python SDK. */
  async datasets(direction: LineageQueryDirection): Promise<DatasetArtifact[]> {
    return (await helperObjects(this.session, this.artifactArn, { direction, entity: 'Artifact', source: 'DataSet' })) as DatasetArtifact[];
  }
}

/** The class an artifact of this type is loaded as. */
export function artifactClassFor(type: string | undefined): ArtifactClass<Artifact> {
  switch (type) {
    case 'Model':
      return ModelArtifact;
    case 'DataSet':
      return DatasetArtifact;
    case 'Image':
      return ImageArtifact;
    default:
      return Artifact;
  }
}
