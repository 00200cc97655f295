/**
 * The storage boundary. Everything above it (API handlers, the query engine, jobs, pipelines)
 * talks to a Store; SQLite and PostgreSQL each implement it with the same file names.
 *
 * Two entry points, both callback-scoped so a backend controls locking and snapshot lifetime:
 * - `transaction(fn)`: read-write, atomic; a throw rolls everything back. `fn` may run more than
 *   once (PostgreSQL runs it again after a deadlock), so it must do nothing outside the transaction.
 * - `read(fn)`: a consistent snapshot; nothing written during it is visible to it.
 *
 * Uniqueness (ARNs, names per account/region/kind, one association per ordered pair) is enforced
 * by the database: an insert that breaks it throws {@link UniqueViolation}, so several replicas
 * racing on one name still leave exactly one entity.
 */
import type { Scope } from '../core/arn.js';
import type { SearchDocument, SearchHit, SearchQuery } from './search-query.js';
import type {
  AssociationRecord,
  AssociationType,
  EntityKind,
  EntityPatch,
  EntityRecord,
  EntityRef,
  LineageGroupRecord,
  LineageShareRecord,
  NewAssociation,
  NewEntity,
  NewResource,
  QuotaResource,
  ResourcePatch,
  ResourceRecord,
  Tag,
  UserContext,
} from '../core/model.js';
import type { LineageGraph } from './lineage-graph.js';

/** A position in a sorted listing: the sort value and a unique tie-breaker of the last row seen. */
export interface Cursor {
  readonly value: string | number;
  readonly id: string | number;
}

export type EntitySortKey = 'CreationTime' | 'Name';

export interface EntityListQuery {
  readonly scope: Scope;
  readonly kind: EntityKind;
  readonly sourceUri?: string;
  readonly type?: string;
  readonly createdAfter?: number;
  readonly createdBefore?: number;
  readonly sortBy: EntitySortKey;
  readonly ascending: boolean;
  readonly after?: Cursor;
  readonly limit: number;
}

export type AssociationSortKey = 'SourceArn' | 'DestinationArn' | 'SourceType' | 'DestinationType' | 'CreationTime';

export interface AssociationListQuery {
  /** Associations created by this account, in this region. */
  readonly scope: Scope;
  /**
   * When given, only associations both of whose ends belong to one of these accounts (of the
   * scope's region): what the caller may still read.
   */
  readonly endAccounts?: readonly string[];
  readonly sourceArn?: string;
  readonly destinationArn?: string;
  readonly sourceType?: string;
  readonly destinationType?: string;
  readonly associationType?: AssociationType;
  readonly createdAfter?: number;
  readonly createdBefore?: number;
  readonly sortBy: AssociationSortKey;
  readonly ascending: boolean;
  readonly after?: Cursor;
  readonly limit: number;
}

/** Lineage entities whose ARN, name or source URI starts with `text` (the web explorer's search). */
export interface EntitySearchQuery {
  readonly scope: Scope;
  readonly text: string;
  readonly limit: number;
}

export interface TagListQuery {
  readonly resourceArn: string;
  /** Tag key of the last tag seen; tags list in key order. */
  readonly afterKey?: string;
  readonly limit: number;
}

/**
 * Every reader is a {@link LineageGraph} over its own snapshot (batched one-hop expansion and
 * vertex reads for the QueryLineage engine). `lineageGraph()` is what the engine should traverse:
 * the reader itself, or an in-memory index a backend keeps exactly as fresh as this snapshot.
 */
export interface StoreReader extends LineageGraph {
  lineageGraph(): LineageGraph;
  getEntityByArn(arn: string): Promise<EntityRecord | undefined>;
  getEntityRef(arn: string): Promise<EntityRef | undefined>;
  getEntityByName(scope: Scope, kind: EntityKind, name: string): Promise<EntityRecord | undefined>;
  listEntities(query: EntityListQuery): Promise<EntityRecord[]>;
  /**
   * Artifacts, actions, contexts and trial components of the scope whose ARN, name or source URI
   * starts with the text (byte-wise), each once: an exact ARN match first, then by name (or source
   * URI, for nameless artifacts), then ARN; at most `limit`.
   */
  searchEntities(query: EntitySearchQuery): Promise<EntityRecord[]>;
  getAssociation(sourceId: number, destinationId: number): Promise<AssociationRecord | undefined>;
  listAssociations(query: AssociationListQuery): Promise<AssociationRecord[]>;
  /** How many associations have this entity at either end. */
  countAssociationsOf(entityId: number): Promise<number>;
  /** The same associations by the account that owns each, with how many each account has. */
  associationAccountsOf(entityId: number): Promise<ReadonlyMap<string, number>>;
  listTags(query: TagListQuery): Promise<Tag[]>;
  countTags(resourceArn: string): Promise<number>;
  getLineageGroup(scope: Scope, name: string): Promise<LineageGroupRecord | undefined>;
  listLineageGroups(scope: Scope): Promise<LineageGroupRecord[]>;
  /**
   * Lineage-group grants made by or to the scope's account in its region, oldest first (ties by
   * owner, then grantee).
   */
  listLineageShares(scope: Scope): Promise<readonly LineageShareRecord[]>;
  /**
   * Pairs of artifacts with the same id (the same source) in two accounts of one region: each
   * `a` in `accountA`, its twin `b` in `accountB`.
   */
  artifactTwins(region: string, accountA: string, accountB: string): Promise<{ a: EntityRef; b: EntityRef }[]>;
  /** Manually created entities of a resource kind in an account and region. */
  quotaUsage(scope: Scope, resource: QuotaResource): Promise<number>;

  // ---- Experiments, trials, trial components and Search ----

  /** Experiments, trials or trial components, filtered by membership, sorted and keyset-paged. */
  listExperimentEntities(query: ExperimentEntityListQuery): Promise<EntityRecord[]>;
  countTrialsOfExperiment(experimentId: number): Promise<number>;
  countComponentsOfTrial(trialId: number): Promise<number>;
  countTrialsOfComponent(componentId: number): Promise<number>;
  isTrialMember(trialId: number, componentId: number): Promise<boolean>;
  /** The trials a trial component belongs to, oldest membership first. */
  listTrialsOfComponent(componentId: number): Promise<EntityRecord[]>;
  /** The trial components of a trial, oldest membership first. */
  listComponentsOfTrial(trialId: number): Promise<EntityRecord[]>;
  listTrialComponentMetrics(componentId: number): Promise<MetricSummary[]>;
  /** One page of search hits, in the query's order, starting after its cursor. */
  search(query: SearchQuery): Promise<SearchHit[]>;
  /** Distinct leaf paths of a resource's documents that start with `prefix`, in order, at most `limit`. */
  searchPaths(scope: Scope, resource: string, prefix: string, limit: number): Promise<string[]>;

  // ---- SageMaker resources (jobs, models, model registry, endpoints) ----

  getResource(scope: Scope, kind: string, name: string): Promise<ResourceRecord | undefined>;
  getResourceByArn(arn: string): Promise<ResourceRecord | undefined>;
  listResources(query: ResourceListQuery): Promise<ResourceRecord[]>;
  /** Resources of these kinds in one of these statuses, in every account (what a restart recovers). */
  listResourcesInStatus(kinds: readonly string[], statuses: readonly string[]): Promise<ResourceRecord[]>;
}

export interface StoreTx extends StoreReader {
  insertEntity(entity: NewEntity): Promise<EntityRecord>;
  updateEntity(id: number, patch: EntityPatch): Promise<void>;
  deleteEntity(id: number): Promise<void>;
  insertAssociation(association: NewAssociation): Promise<void>;
  deleteAssociation(sourceId: number, destinationId: number): Promise<boolean>;
  /** Deletes the automatic associations of `type` from or to an entity; returns how many. */
  deleteAutomaticAssociationsOf(entityId: number, type: AssociationType): Promise<number>;
  /** Adds or overwrites tags by key. */
  putTags(resourceArn: string, tags: readonly Tag[]): Promise<void>;
  removeTags(resourceArn: string, keys: readonly string[]): Promise<void>;
  removeAllTags(resourceArn: string): Promise<void>;
  /** Creates the account's lineage group on first use; a no-op afterwards. */
  ensureLineageGroup(scope: Scope, name: string, createdAt: number, createdBy: UserContext): Promise<void>;
  /** Records a grant; false (and nothing changed) when the owner already granted that account. */
  grantLineageShare(share: LineageShareRecord): Promise<boolean>;
  /** Removes a grant; false when there was none. */
  revokeLineageShare(owner: Scope, granteeAccount: string): Promise<boolean>;
  /**
   * Adds `delta` to the usage counter of a quota, refusing (returning false, changing nothing) when
   * the result would exceed `limit`. Counting and checking in one statement keeps quotas exact when
   * several writers race.
   */
  adjustQuotaUsage(scope: Scope, resource: QuotaResource, delta: number, limit: number | null): Promise<boolean>;

  // ---- Experiments, trials, trial components and Search ----

  /** Records that a trial belongs to an experiment (once, when the trial is created). */
  linkTrialToExperiment(trialId: number, experimentId: number): Promise<void>;
  /** Forgets a deleted trial's experiment. */
  unlinkTrial(trialId: number): Promise<void>;
  /** Adds a trial component to a trial; false (and nothing changed) when it is already a member. */
  addTrialMember(trialId: number, componentId: number, createdAt: number): Promise<boolean>;
  /** Removes a trial component from a trial; false when it was not a member. */
  removeTrialMember(trialId: number, componentId: number): Promise<boolean>;
  /** Folds metric samples into the per-metric summaries of an existing trial component. */
  recordTrialComponentMetrics(componentId: number, samples: readonly MetricSample[]): Promise<void>;
  deleteTrialComponentMetrics(componentId: number): Promise<void>;
  /** Inserts or replaces the search document with this ARN (its record and all its leaves). */
  putSearchDocument(document: SearchDocument): Promise<void>;
  deleteSearchDocument(arn: string): Promise<void>;

  // ---- SageMaker resources (jobs, models, model registry, endpoints) ----

  /** Throws {@link UniqueViolation} when the ARN, or the name within its account, region and kind, exists. */
  insertResource(resource: NewResource): Promise<ResourceRecord>;
  updateResource(id: number, patch: ResourcePatch): Promise<void>;
  deleteResource(id: number): Promise<void>;
}

export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A write broke a uniqueness rule of the database (an ARN, a name, an ordered pair). */
export class UniqueViolation extends Error {
  readonly constraint: string;

  constructor(constraint: string, options?: { cause?: unknown }) {
    super(`Unique constraint violated: ${constraint}`, options);
    this.constraint = constraint;
    this.name = 'UniqueViolation';
  }
}

/** The data directory is already open in another Stemma process. */
export class StoreLocked extends Error {
  readonly location: string;

  constructor(location: string) {
    super(
      `The data directory ${location} is in use by another Stemma process. ` +
        'Stop that process, or start this one with a different --data directory.',
    );
    this.name = 'StoreLocked';
    this.location = location;
  }
}

// ---- Experiments, trials, trial components and Search ----

export type ExperimentEntityKind = 'experiment' | 'experiment-trial' | 'experiment-trial-component';

export interface ExperimentEntityListQuery {
  readonly scope: Scope;
  readonly kind: ExperimentEntityKind;
  /** Trials of this experiment, or trial components of its trials. */
  readonly experimentId?: number;
  /** Trial components of this trial. */
  readonly trialId?: number;
  /** Trials this trial component belongs to. */
  readonly componentId?: number;
  /** Trial components whose Source.SourceArn is this. */
  readonly sourceArn?: string;
  readonly createdAfter?: number;
  readonly createdBefore?: number;
  readonly sortBy: EntitySortKey;
  readonly ascending: boolean;
  readonly after?: Cursor;
  readonly limit: number;
}

/** One metric value reported for a trial component. */
export interface MetricSample {
  readonly name: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step?: number;
  /** What reported it (a job ARN); the summary keeps the latest one given. */
  readonly sourceArn?: string;
}

/** SageMaker's TrialComponentMetricSummary, kept up to date as samples arrive. */
export interface MetricSummary {
  readonly name: string;
  readonly sourceArn: string | null;
  /** Timestamp (ms) of the sample that gave `last`. */
  readonly timestamp: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
  readonly avg: number;
  /** Sample standard deviation; 0 for a single sample. */
  readonly stdDev: number;
}

// ---- SageMaker resources ----

export type ResourceSortKey = 'CreationTime' | 'Name' | 'Status';

export interface ResourceListQuery {
  readonly scope: Scope;
  readonly kind: string;
  /** Case-insensitive substring of the name. */
  readonly nameContains?: string;
  /** Names that start with this text (a model package group's versions: `group/`). */
  readonly namePrefix?: string;
  /**
   * Only names with (true) or without (false) a `/`: a resource whose name has a `/` is a version
   * of another (a versioned model package is named `group/version`).
   */
  readonly versioned?: boolean;
  readonly status?: string;
  readonly createdAfter?: number;
  readonly createdBefore?: number;
  readonly modifiedAfter?: number;
  readonly modifiedBefore?: number;
  readonly sortBy: ResourceSortKey;
  readonly ascending: boolean;
  readonly after?: Cursor;
  readonly limit: number;
}
