/**
 * Loading what a caller may read (the rule itself is lineage/visibility.ts). What sharing grants is
 * exactly what the lineage group's resource policy lists: Describe by ARN, Add/DeleteAssociation
 * (with the right on both ends) and QueryLineage. Everything else (Update, Delete, tags, List,
 * Search) stays with the owner, and another account's entity is reported there as missing, in the
 * words used for one that does not exist.
 */
import type { Scope } from '../../core/arn.js';
import type { LineageAccess } from '../../lineage/visibility.js';
import type { StoreReader } from '../../storage/store.js';

export type { LineageAccess } from '../../lineage/visibility.js';
export { canRead, isOwn } from '../../lineage/visibility.js';

/**
 * The accounts whose lineage the caller may read: one indexed query for the grants that involve
 * the caller (either direction), kept to those made to it.
 */
export async function lineageAccess(reader: StoreReader, scope: Scope): Promise<LineageAccess> {
  const grants = await reader.listLineageShares(scope);
  const owners = new Set<string>();
  for (const g of grants) if (g.granteeAccount === scope.account && g.ownerAccount !== scope.account) owners.add(g.ownerAccount);
  return { scope, sharedWithCaller: owners };
}

/** The accounts whose entities the caller may read, its own first. */
export function readableAccounts(access: LineageAccess): string[] {
  return [access.scope.account, ...[...access.sharedWithCaller].sort()];
}
