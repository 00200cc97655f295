/**
 * Stemma's glossary. These are the only words the code uses for lineage things.
 *
 * - Artifact: a URI-addressable object or piece of data (a dataset, an image, a model file).
 *   Identified by its Source; its id is derived from the Source so the same data has the same id
 *   in every account (see ids.ts).
 * - Action: something that happened (a deployment, an approval). Identified by name.
 * - Context: a logical grouping (an endpoint, a model package group). Identified by name.
 * - TrialComponent: one stage of an ML workflow, usually one job. Identified by name.
 * - Experiment / Trial: groupings of trial components. Identified by name.
 * - Association: a typed, directed edge between two lineage entities, one per ordered pair.
 * - LineageGroup: one per account; what another account is granted to see that account's lineage.
 */
import type { Scope } from './arn.js';

/** The ARN resource types of the entities kept in the lineage store. */
export type EntityKind =
  | 'artifact'
  | 'action'
  | 'context'
  | 'experiment'
  | 'experiment-trial'
  | 'experiment-trial-component';

/**
 * The kinds that are lineage entities: QueryLineage's vertices, what an account's lineage group
 * holds (and so what sharing it shares), and what the explorer's search finds.
 */
export const LINEAGE_KINDS: readonly EntityKind[] = ['artifact', 'action', 'context', 'experiment-trial-component'];

/** The `LineageType` of a QueryLineage vertex. Experiments and trials have none. */
export type LineageType = 'Artifact' | 'Action' | 'Context' | 'TrialComponent';

export const LINEAGE_TYPE_OF_KIND: Readonly<Partial<Record<EntityKind, LineageType>>> = {
  artifact: 'Artifact',
  action: 'Action',
  context: 'Context',
  'experiment-trial-component': 'TrialComponent',
};

/** Kinds that SageMaker counts as "experiment entities": no association may join two of them. */
export const EXPERIMENT_KINDS: ReadonlySet<EntityKind> = new Set(['experiment', 'experiment-trial', 'experiment-trial-component']);

export type AssociationType = 'ContributedTo' | 'AssociatedWith' | 'DerivedFrom' | 'Produced' | 'SameAs';

/** Who did something, in SageMaker's `UserContext` wire shape. */
export interface UserContext {
  UserProfileArn?: string;
  UserProfileName?: string;
  DomainId?: string;
  IamIdentity?: { Arn?: string; PrincipalId?: string; SourceIdentity?: string };
}

/** One stored lineage entity, whatever its kind. */
export interface EntityRecord {
  readonly id: number;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly kind: EntityKind;
  readonly name: string | null;
  /** ArtifactType, ActionType, ContextType, or a trial component's Source.SourceType. */
  readonly type: string | null;
  readonly sourceUri: string | null;
  readonly status: string | null;
  readonly description: string | null;
  readonly properties: Readonly<Record<string, string>>;
  /** Kind-specific wire members stored verbatim (Source, MetadataProperties, …). */
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly createdBy: UserContext;
  readonly modifiedAt: number;
  readonly modifiedBy: UserContext;
  /** Created by Stemma itself (jobs, registry, endpoints, pipelines); exempt from quotas. */
  readonly automatic: boolean;
}

export type NewEntity = Omit<EntityRecord, 'id'>;

/** Just enough of an entity to check access and join it: what association writes need. */
export type EntityRef = Pick<EntityRecord, 'id' | 'arn' | 'account' | 'region' | 'kind'>;

export interface EntityPatch {
  name?: string | null;
  type?: string | null;
  status?: string | null;
  description?: string | null;
  properties?: Record<string, string>;
  attrs?: Record<string, unknown>;
  modifiedAt: number;
  modifiedBy: UserContext;
}

export interface AssociationRecord {
  /** A surrogate key, used only to order and page listings. */
  readonly id: number;
  readonly sourceId: number;
  readonly destinationId: number;
  readonly sourceArn: string;
  readonly destinationArn: string;
  readonly sourceType: string | null;
  readonly destinationType: string | null;
  readonly sourceName: string | null;
  readonly destinationName: string | null;
  readonly type: AssociationType | null;
  readonly account: string;
  readonly region: string;
  readonly createdAt: number;
  readonly createdBy: UserContext;
  readonly automatic: boolean;
}

export interface NewAssociation {
  readonly sourceId: number;
  readonly destinationId: number;
  readonly type: AssociationType | null;
  readonly scope: Scope;
  readonly createdAt: number;
  readonly createdBy: UserContext;
  readonly automatic: boolean;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface LineageGroupRecord {
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly createdAt: number;
  readonly createdBy: UserContext;
}

/**
 * A grant of one account's lineage group to another account (Stemma's stand-in for an AWS RAM
 * share): one-way, all or nothing, within one region.
 */
export interface LineageShareRecord {
  /** The account whose lineage group is shared. */
  readonly ownerAccount: string;
  readonly region: string;
  /** The account that may now see the owner's lineage entities. */
  readonly granteeAccount: string;
  /** Epoch milliseconds. */
  readonly grantedAt: number;
  readonly grantedBy: UserContext;
}

/** The quota-counted resources (manually created entities only). */
export type QuotaResource = 'artifact' | 'action' | 'context' | 'association';

export const DEFAULT_LINEAGE_GROUP = 'sagemaker-default-lineage-group';

/**
 * A SageMaker resource that is not a lineage entity: a job, a model, a model package (group), an
 * endpoint config, an endpoint. Stored generically: the kind names the ARN resource type, `doc`
 * holds the resource's wire description, `status` its primary status (the job state machine).
 */
export interface ResourceRecord {
  readonly id: number;
  readonly account: string;
  readonly region: string;
  /** The ARN resource type: `training-job`, `processing-job`, `model-package`, `endpoint`, … */
  readonly kind: string;
  readonly name: string;
  readonly arn: string;
  readonly status: string | null;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly doc: Readonly<Record<string, unknown>>;
}

export type NewResource = Omit<ResourceRecord, 'id'>;

export interface ResourcePatch {
  status?: string | null;
  doc?: Record<string, unknown>;
  modifiedAt: number;
}
