/**
 * The searchable resources Stemma serves, and the hook every write to one of their entities calls
 * to keep its search document current in the same transaction. A new resource type plugs in by
 * adding its SearchableResource here.
 */
import type { EntityKind, EntityRecord, ResourceRecord } from '../../core/model.js';
import type { StoreTx } from '../../storage/store.js';
import { EXPERIMENT_SEARCH, TRIAL_COMPONENT_SEARCH, TRIAL_SEARCH } from '../experiments/searchable.js';
import { RESOURCE_SEARCHES } from '../jobs/searchable.js';
import type { SearchableRecordType, SearchableResource, SearchableType } from './resource.js';

const ENTITY_SEARCHES: readonly SearchableResource[] = [EXPERIMENT_SEARCH, TRIAL_SEARCH, TRIAL_COMPONENT_SEARCH];

export const SEARCHABLE_RESOURCES: ReadonlyMap<string, SearchableType> = new Map(
  [...ENTITY_SEARCHES, ...RESOURCE_SEARCHES].map((r): [string, SearchableType] => [r.resource, r]),
);

const BY_KIND: ReadonlyMap<EntityKind, SearchableResource> = new Map(ENTITY_SEARCHES.map((r) => [r.kind, r]));
const BY_RESOURCE_KIND: ReadonlyMap<string, SearchableRecordType> = new Map(RESOURCE_SEARCHES.map((r) => [r.resourceKind, r]));

/** Rebuilds a SageMaker resource's search document (a no-op for kinds that are not searchable). */
export async function reindexResource(tx: StoreTx, resource: ResourceRecord): Promise<void> {
  const type = BY_RESOURCE_KIND.get(resource.kind);
  if (!type) return;
  const { record, leaves } = await type.document(tx, resource);
  await tx.putSearchDocument({ arn: resource.arn, scope: resource, resource: type.resource, record, leaves });
}

/** Rebuilds an entity's search document (a no-op for kinds that are not searchable). */
export async function reindexEntity(tx: StoreTx, entity: EntityRecord): Promise<void> {
  const resource = BY_KIND.get(entity.kind);
  if (!resource) return;
  const { record, leaves } = await resource.document(tx, entity);
  await tx.putSearchDocument({ arn: entity.arn, scope: entity, resource: resource.resource, record, leaves });
}

/** Rebuilds the search document of the entity with this id, read afresh (after an update). */
export async function reindexEntityByArn(tx: StoreTx, arn: string): Promise<void> {
  const entity = await tx.getEntityByArn(arn);
  if (entity) await reindexEntity(tx, entity);
}
