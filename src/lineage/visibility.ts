/**
 * Who may see which lineage entities (DESIGN §3, the lineage spec §7.7): the rule the QueryLineage
 * engine's traversal and every Describe-by-ARN apply. An account sees its own entities, and the
 * lineage entities (artifacts, actions, contexts, trial components) of each account in its region
 * that shared its lineage group with it. Sharing is one-way. Loading the grants is the API's job
 * (api/lineage/access.ts); this module only states the rule.
 */
import type { Scope } from '../core/arn.js';
import type { EntityKind } from '../core/model.js';
import { LINEAGE_KINDS } from '../core/model.js';

/** The entity kinds that belong to an account's lineage group, and so are shared with it. */
const SHARED_KINDS: ReadonlySet<EntityKind> = new Set(LINEAGE_KINDS);

/** What one caller may read. */
export interface LineageAccess {
  readonly scope: Scope;
  /** Accounts (in the caller's region) that shared their lineage group with the caller. */
  readonly sharedWithCaller: ReadonlySet<string>;
}

/** Whether an entity is the caller's own (what Update, Delete, tags and List act on). */
export function isOwn(entity: { readonly account: string; readonly region: string }, scope: Scope): boolean {
  return entity.account === scope.account && entity.region === scope.region;
}

/** Whether the caller may describe, associate and traverse an entity: its own, or shared with it. */
export function canRead(entity: { readonly account: string; readonly region: string; readonly kind: EntityKind }, access: LineageAccess): boolean {
  if (isOwn(entity, access.scope)) return true;
  return entity.region === access.scope.region && SHARED_KINDS.has(entity.kind) && access.sharedWithCaller.has(entity.account);
}
