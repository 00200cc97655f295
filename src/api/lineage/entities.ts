/**
 * What creating, finding and deleting any lineage entity has in common: quotas, the account's
 * lineage group, name-or-ARN lookup, duplicate detection, and the refusal to delete an entity that
 * associations still point at.
 */
import type { Scope } from '../../core/arn.js';
import { isArn } from '../../core/arn.js';
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import type { EntityKind, EntityRecord, EntityRef, NewEntity, QuotaResource, Tag } from '../../core/model.js';
import { DEFAULT_LINEAGE_GROUP } from '../../core/model.js';
import type { StoreReader, StoreTx } from '../../storage/store.js';
import { UniqueViolation } from '../../storage/store.js';
import type { ApiDeps, RequestContext } from '../context.js';
import { consumeQuota, releaseQuota } from '../quotas.js';
import type { LineageAccess } from './access.js';
import { canRead, isOwn, lineageAccess } from './access.js';
import { linkTwinsOf, unlinkTwinsOf } from './same-as.js';

export const ENTITY_LABEL: Record<EntityKind, string> = {
  artifact: 'Artifact',
  action: 'Action',
  context: 'Context',
  experiment: 'Experiment',
  'experiment-trial': 'Trial',
  'experiment-trial-component': 'Trial component',
};

const QUOTA_OF_KIND: Partial<Record<EntityKind, QuotaResource>> = {
  artifact: 'artifact',
  action: 'action',
  context: 'context',
};

export function lineageGroupArn(scope: Scope): string {
  return `arn:aws:sagemaker:${scope.region}:${scope.account}:lineage-group/${DEFAULT_LINEAGE_GROUP}`;
}

/** Finds one of the caller's own entities of a kind, by name or by ARN. */
export async function findEntity(
  reader: StoreReader,
  scope: Scope,
  kind: EntityKind,
  nameOrArn: string,
): Promise<EntityRecord | undefined> {
  const entity = isArn(nameOrArn)
    ? await reader.getEntityByArn(nameOrArn)
    : await reader.getEntityByName(scope, kind, nameOrArn);
  return entity && entity.kind === kind && isOwn(entity, scope) ? entity : undefined;
}

export async function requireEntity(
  reader: StoreReader,
  scope: Scope,
  kind: EntityKind,
  nameOrArn: string,
): Promise<EntityRecord> {
  const entity = await findEntity(reader, scope, kind, nameOrArn);
  if (!entity) throw new ResourceNotFound(`${ENTITY_LABEL[kind]} ${nameOrArn} does not exist.`);
  return entity;
}

/**
 * For Describe: an entity of a kind by name (the caller's own) or by ARN (its own, or one shared
 * with it). Another account's entity that is not shared reads exactly like a missing one.
 */
export async function requireReadableEntity(
  reader: StoreReader,
  scope: Scope,
  kind: EntityKind,
  nameOrArn: string,
): Promise<EntityRecord> {
  if (!isArn(nameOrArn)) return requireEntity(reader, scope, kind, nameOrArn);
  const entity = await reader.getEntityByArn(nameOrArn);
  const readable =
    entity !== undefined && entity.kind === kind && (isOwn(entity, scope) || canRead(entity, await lineageAccess(reader, scope)));
  if (!readable) throw new ResourceNotFound(`${ENTITY_LABEL[kind]} ${nameOrArn} does not exist.`);
  return entity;
}

/** Finds any lineage entity's reference by ARN, whatever its kind, among those the caller may read. */
export async function requireEntityRef(reader: StoreReader, access: LineageAccess, arn: string): Promise<EntityRef> {
  const entity = await reader.getEntityRef(arn);
  if (!entity || !canRead(entity, access)) throw new ResourceNotFound(`Entity ${arn} does not exist.`);
  return entity;
}

/**
 * Inserts a new entity with its tags. Manually created entities count against the account's quota;
 * the first entity of an account creates its default lineage group; a new artifact is joined to its
 * twins in the accounts it shares lineage with (same-as.ts).
 */
export async function insertEntity(
  tx: StoreTx,
  deps: ApiDeps,
  ctx: RequestContext,
  entity: NewEntity,
  tags: readonly Tag[] | undefined,
  duplicateMessage: string,
): Promise<EntityRecord> {
  // The unique indexes detect a duplicate (no read first); the quota is checked after, and a throw
  // from either rolls the whole transaction back.
  let created: EntityRecord;
  try {
    created = await tx.insertEntity(entity);
  } catch (e) {
    if (e instanceof UniqueViolation) throw new ValidationException(duplicateMessage);
    throw e;
  }
  const quota = QUOTA_OF_KIND[entity.kind];
  if (quota && !entity.automatic) await consumeQuota(tx, ctx.scope, quota, deps.config.quotas);
  await tx.ensureLineageGroup(ctx.scope, DEFAULT_LINEAGE_GROUP, entity.createdAt, ctx.user);
  if (tags && tags.length > 0) await tx.putTags(created.arn, dedupeTags(tags));
  if (created.kind === 'artifact') await linkTwinsOf(tx, created, entity.createdAt, ctx.user);
  return created;
}

/** Deletes an entity that no association touches, with its tags, giving back its quota. */
export async function deleteEntity(tx: StoreTx, scope: Scope, entity: EntityRecord): Promise<void> {
  // The SameAs associations Stemma added to its twins in other accounts are not the caller's to
  // manage (it may not even see them): they go with the artifact.
  if (entity.kind === 'artifact') await unlinkTwinsOf(tx, entity);
  const associations = await tx.countAssociationsOf(entity.id);
  if (associations > 0) {
    const noun = associations === 1 ? 'association' : 'associations';
    // An account the lineage is shared with may own some: only it can list and delete those.
    const others = [...(await tx.associationAccountsOf(entity.id))].filter(([account]) => account !== scope.account);
    const theirs = others.map(([account, n]) => `${n} by account ${account}`).join(', ');
    throw new ValidationException(
      `${ENTITY_LABEL[entity.kind]} ${entity.arn} cannot be deleted: it still has ${associations} ${noun}. ` +
        (others.length > 0
          ? `Some were made by accounts its lineage is shared with, and only they can delete those (${theirs}). `
          : '') +
        'Delete its associations first (the SageMaker Python SDK does this with delete(disassociate=True)), ' +
        'or delete it with `stemma delete --cascade`.',
    );
  }
  await tx.removeAllTags(entity.arn);
  const quota = QUOTA_OF_KIND[entity.kind];
  if (quota && !entity.automatic) await releaseQuota(tx, scope, quota);
  await tx.deleteEntity(entity.id);
}

/** When one request names a key twice, the last value wins, as a map would have it. */
export function dedupeTags(tags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, Tag>();
  for (const t of tags) byKey.set(t.Key, t);
  return [...byKey.values()];
}

/** Applies an Update's Properties (merged by key) and PropertiesToRemove, within SageMaker's 30-entry limit. */
export function mergeProperties(
  current: Readonly<Record<string, string>>,
  set: Readonly<Record<string, string>> | undefined,
  remove: readonly string[] | undefined,
): Record<string, string> {
  const merged: Record<string, string> = { ...current, ...set };
  for (const key of remove ?? []) delete merged[key];
  const count = Object.keys(merged).length;
  if (count > 30) {
    throw new ValidationException(
      `1 validation error detected: Value with ${count} entries at 'properties' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 30',
    );
  }
  return merged;
}
