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
import type {
  AssociationRecord,
  AssociationType,
  EntityKind,
  EntityPatch,
  EntityRecord,
  EntityRef,
  LineageGroupRecord,
  NewAssociation,
  NewEntity,
  QuotaResource,
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
  readonly scope: Scope;
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
  listTags(query: TagListQuery): Promise<Tag[]>;
  countTags(resourceArn: string): Promise<number>;
  getLineageGroup(scope: Scope, name: string): Promise<LineageGroupRecord | undefined>;
  listLineageGroups(scope: Scope): Promise<LineageGroupRecord[]>;
  /** Manually created entities of a resource kind in an account and region. */
  quotaUsage(scope: Scope, resource: QuotaResource): Promise<number>;
}

export interface StoreTx extends StoreReader {
  insertEntity(entity: NewEntity): Promise<EntityRecord>;
  updateEntity(id: number, patch: EntityPatch): Promise<void>;
  deleteEntity(id: number): Promise<void>;
  insertAssociation(association: NewAssociation): Promise<void>;
  deleteAssociation(sourceId: number, destinationId: number): Promise<boolean>;
  /** Adds or overwrites tags by key. */
  putTags(resourceArn: string, tags: readonly Tag[]): Promise<void>;
  removeTags(resourceArn: string, keys: readonly string[]): Promise<void>;
  removeAllTags(resourceArn: string): Promise<void>;
  /** Creates the account's lineage group on first use; a no-op afterwards. */
  ensureLineageGroup(scope: Scope, name: string, createdAt: number, createdBy: UserContext): Promise<void>;
  /**
   * Adds `delta` to the usage counter of a quota, refusing (returning false, changing nothing) when
   * the result would exceed `limit`. Counting and checking in one statement keeps quotas exact when
   * several writers race.
   */
  adjustQuotaUsage(scope: Scope, resource: QuotaResource, delta: number, limit: number | null): Promise<boolean>;
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
