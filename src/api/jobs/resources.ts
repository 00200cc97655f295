/**
 * What the SageMaker resources (jobs, models, registry, endpoints) have in common: lookup by name or
 * ARN within the caller's account, creation with SageMaker's duplicate-name error, and their wire
 * description kept in the row's `doc`. Keys of `doc` starting with `_` are Stemma's own bookkeeping
 * (the job's runner, its directory) and never reach the wire.
 */
import type { Scope } from '../../core/arn.js';
import { isArn } from '../../core/arn.js';
import type { ServiceError } from '../../core/errors.js';
import { ResourceInUse, ResourceNotFound } from '../../core/errors.js';
import type { NewResource, ResourcePatch, ResourceRecord, Tag } from '../../core/model.js';
import type { StoreReader, StoreTx } from '../../storage/store.js';
import { UniqueViolation } from '../../storage/store.js';
import { dedupeTags } from '../lineage/entities.js';
import { reindexResource } from '../search/registry.js';

export async function findResource(reader: StoreReader, scope: Scope, kind: string, nameOrArn: string): Promise<ResourceRecord | undefined> {
  const r = isArn(nameOrArn) ? await reader.getResourceByArn(nameOrArn) : await reader.getResource(scope, kind, nameOrArn);
  return r && r.kind === kind && r.account === scope.account && r.region === scope.region ? r : undefined;
}

export async function requireResource(
  reader: StoreReader,
  scope: Scope,
  kind: string,
  label: string,
  nameOrArn: string,
): Promise<ResourceRecord> {
  const r = await findResource(reader, scope, kind, nameOrArn);
  if (!r) throw new ResourceNotFound(`${label} ${nameOrArn} does not exist.`);
  return r;
}

/** Inserts a resource with its tags; a taken name is SageMaker's ResourceInUse with this message, or the given error. */
export async function insertResource(
  tx: StoreTx,
  resource: NewResource,
  tags: readonly Tag[] | undefined,
  duplicate: string | ServiceError,
): Promise<ResourceRecord> {
  let created: ResourceRecord;
  try {
    created = await tx.insertResource(resource);
  } catch (e) {
    if (e instanceof UniqueViolation) throw typeof duplicate === 'string' ? new ResourceInUse(duplicate) : duplicate;
    throw e;
  }
  if (tags && tags.length > 0) await tx.putTags(created.arn, dedupeTags(tags));
  await reindexResource(tx, created);
  return created;
}

/** Updates a resource and keeps its search document current. */
export async function updateResource(tx: StoreTx, resource: Pick<ResourceRecord, 'id' | 'arn'>, patch: ResourcePatch): Promise<void> {
  await tx.updateResource(resource.id, patch);
  const fresh = await tx.getResourceByArn(resource.arn);
  if (fresh) await reindexResource(tx, fresh);
}

/** Deletes a resource with its tags and search document. */
export async function deleteResource(tx: StoreTx, resource: Pick<ResourceRecord, 'id' | 'arn'>): Promise<void> {
  await tx.removeAllTags(resource.arn);
  await tx.deleteSearchDocument(resource.arn);
  await tx.deleteResource(resource.id);
}

/** The wire description: the stored doc without Stemma's own `_` keys, and without undefined members. */
export function wireDoc<T>(r: ResourceRecord): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.doc)) if (!k.startsWith('_') && v !== undefined) out[k] = v;
  return out as T;
}

export function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
