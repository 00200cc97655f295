/**
 * Who may see which lineage entities (DESIGN §3, the lineage spec §7.7). An account sees its own
 * entities, and the lineage entities (artifacts, actions, contexts, trial components) of every
 * account in the same region that shared its lineage group with it. Sharing is one-way: A sharing
 * with B lets B see A's entities, not A see B's.
 *
 * What sharing grants is exactly what the lineage group's resource policy lists: Describe by ARN,
 * Add/DeleteAssociation (with the right on both ends) and QueryLineage. Everything else (Update,
 * Delete, tags, List, Search) stays with the owner, and another account's entity is reported
 * there as missing, in the words used for one that does not exist.
 */
import type { Scope } from '../../core/arn.js';
import type { EntityKind, EntityRef } from '../../core/model.js';
import type { StoreReader } from '../../storage/store.js';

/** The entity kinds that belong to an account's lineage group, and so are shared with it. */
export const SHARED_KINDS: ReadonlySet<EntityKind> = new Set<EntityKind>(['artifact', 'action', 'context', 'experiment-trial-component']);

/** What one caller may read. */
export interface LineageAccess {
  readonly scope: Scope;
  /** Accounts (in the caller's region) that shared their lineage group with the caller. */
  readonly sharedWithCaller: ReadonlySet<string>;
}

/** Reads the grants made to the caller: one indexed query. */
export async function lineageAccess(reader: StoreReader, scope: Scope): Promise<LineageAccess> {
  const grants = await reader.listLineageShares(scope);
  const owners = new Set<string>();
  for (const g of grants) if (g.granteeAccount === scope.account && g.ownerAccount !== scope.account) owners.add(g.ownerAccount);
  return { scope, sharedWithCaller: owners };
}

/** Whether an entity is the caller's own (what Update, Delete, tags and List act on). */
export function isOwn(entity: Pick<EntityRef, 'account' | 'region'>, scope: Scope): boolean {
  return entity.account === scope.account && entity.region === scope.region;
}

/** Whether the caller may describe, associate and traverse an entity: its own, or shared with it. */
export function canRead(entity: Pick<EntityRef, 'account' | 'region' | 'kind'>, access: LineageAccess): boolean {
  if (isOwn(entity, access.scope)) return true;
  return entity.region === access.scope.region && SHARED_KINDS.has(entity.kind) && access.sharedWithCaller.has(entity.account);
}

/** The accounts whose entities the caller may read, its own first. */
export function readableAccounts(access: LineageAccess): string[] {
  return [access.scope.account, ...[...access.sharedWithCaller].sort()];
}
