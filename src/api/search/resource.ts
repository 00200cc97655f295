/**
 * What a searchable resource declares to plug into Search: its `Resource` name and SearchRecord
 * member, its property catalog, which of its lists accept nested filters, and how to build its
 * document (SearchRecord + leaves) from the store. Experiments, trials and trial components are
 * the first; training jobs, model packages, pipelines… add an entry to the registry the same way.
 */
import type { EntityKind, EntityRecord, ResourceRecord } from '../../core/model.js';
import type { SearchLeaf } from '../../storage/search-query.js';
import type { StoreReader } from '../../storage/store.js';
import type { ResourceType, SearchRecord } from '../generated/types.js';
import type { PropertyCatalog } from './properties.js';

/** What Search needs of any searchable resource type. */
export interface SearchableType {
  readonly resource: ResourceType;
  readonly recordMember: keyof SearchRecord;
  readonly properties: PropertyCatalog;
  /** List properties a NestedFilters may name (their elements are kept apart in documents). */
  readonly nestedLists: readonly string[];
  /** Properties on which Contains may be used any number of times (SageMaker allows one otherwise). */
  readonly unlimitedContains: readonly string[];
}

/** A searchable lineage or experiment entity. */
export interface SearchableResource extends SearchableType {
  /** The kind of entity whose writes keep this resource's documents up to date. */
  readonly kind: EntityKind;
  /** Builds the SearchRecord member and its leaves for one entity, reading what else it needs. */
  document(reader: StoreReader, entity: EntityRecord): Promise<{ record: Record<string, unknown>; leaves: SearchLeaf[] }>;
}

/** A searchable SageMaker resource (a training job, a model package, an endpoint…). */
export interface SearchableRecordType extends SearchableType {
  /** The resource kind (ARN resource type) whose writes keep these documents up to date. */
  readonly resourceKind: string;
  document(reader: StoreReader, resource: ResourceRecord): Promise<{ record: Record<string, unknown>; leaves: SearchLeaf[] }>;
}

/** Common leaf templates of the UserContext shape (CreatedBy, LastModifiedBy). */
export function userContextTemplates(member: string): { name: string; type: 'text' }[] {
  return ['UserProfileArn', 'UserProfileName', 'DomainId', 'IamIdentity.Arn', 'IamIdentity.PrincipalId', 'IamIdentity.SourceIdentity'].map(
    (m) => ({ name: `${member}.${m}`, type: 'text' as const }),
  );
}
