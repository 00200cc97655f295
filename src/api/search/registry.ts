/**
 * The searchable resources Stemma serves, and the hook every write to one of their entities calls
 * to keep its search document current in the same transaction. A new resource type plugs in by
 * adding its SearchableResource here.
 */
import type { EntityKind, EntityRecord } from '../../core/model.js';
import type { StoreTx } from '../../storage/store.js';
import { EXPERIMENT_SEARCH, TRIAL_COMPONENT_SEARCH, TRIAL_SEARCH } from '../experiments/searchable.js';
import type { SearchableResource } from './resource.js';

export const SEARCHABLE_RESOURCES: ReadonlyMap<string, SearchableResource> = new Map(
  [EXPERIMENT_SEARCH, TRIAL_SEARCH, TRIAL_COMPONENT_SEARCH].map((r) => [r.resource, r]),
);

const BY_KIND: ReadonlyMap<EntityKind, SearchableResource> = new Map([...SEARCHABLE_RESOURCES.values()].map((r) => [r.kind, r]));

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
