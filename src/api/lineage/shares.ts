/**
 * Sharing lineage between accounts: Stemma's stand-in for an AWS RAM share of a lineage group
 * (the lineage spec §7.7). The caller is always the owner, so no account can grant what is not its
 * own; a grant is all or nothing (the whole lineage group), one-way, within the caller's region,
 * and takes effect at once (there is no invitation to accept). Served at
 * `/api/v1/lineage-group/shares` and by `stemma share`.
 */
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import { toEpochSeconds } from '../../core/clock.js';
import type { LineageShareRecord } from '../../core/model.js';
import { DEFAULT_LINEAGE_GROUP } from '../../core/model.js';
import type { ApiDeps, RequestContext } from '../context.js';
import { lineageGroupArn } from './entities.js';
import { linkTwinsBetween } from './same-as.js';

/** One grant on the wire. */
export interface LineageShareView {
  readonly LineageGroupArn: string;
  readonly OwnerAccount: string;
  readonly GranteeAccount: string;
  /** Epoch seconds, as the SageMaker API's timestamps. */
  readonly GrantedAt: number;
  readonly GrantedBy: string | undefined;
}

export interface LineageShareList {
  /** Grants the caller made: who can see the caller's lineage. */
  readonly Granted: LineageShareView[];
  /** Grants made to the caller: whose lineage the caller can see. */
  readonly Received: LineageShareView[];
}

function view(share: LineageShareRecord): LineageShareView {
  return {
    LineageGroupArn: lineageGroupArn({ account: share.ownerAccount, region: share.region }),
    OwnerAccount: share.ownerAccount,
    GranteeAccount: share.granteeAccount,
    GrantedAt: toEpochSeconds(share.grantedAt),
    GrantedBy: share.grantedBy.IamIdentity?.Arn,
  };
}

/** The grantee named in a request body: `{ "account": "222233334444" }`. */
export function granteeOf(body: unknown, ctx: RequestContext): string {
  const account = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['account'] : undefined;
  if (typeof account !== 'string' || !/^\d{12}$/.test(account)) {
    throw new ValidationException(`1 validation error detected: Value at 'account' failed to satisfy constraint: Member must be a 12-digit AWS account id.`);
  }
  if (account === ctx.scope.account) {
    throw new ValidationException(`Account ${account} is the caller's own account; a lineage group is always visible to its owner.`);
  }
  return account;
}

export async function listLineageShares(deps: ApiDeps, ctx: RequestContext): Promise<LineageShareList> {
  const shares = await deps.store.read((r) => r.listLineageShares(ctx.scope));
  return {
    Granted: shares.filter((s) => s.ownerAccount === ctx.scope.account).map(view),
    Received: shares.filter((s) => s.granteeAccount === ctx.scope.account).map(view),
  };
}

/**
 * Grants another account access to the caller's lineage group (creating the group if the caller
 * has no lineage yet), and joins the artifacts the two accounts hold for the same data with SameAs.
 * Granting again keeps the grant as it was, and joins any same-data pair still missing its SameAs.
 */
export async function grantLineageShare(
  deps: ApiDeps,
  ctx: RequestContext,
  body: unknown,
): Promise<{ share: LineageShareView; created: boolean; sameAsPairs: number }> {
  const grantee = granteeOf(body, ctx);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    await tx.ensureLineageGroup(ctx.scope, DEFAULT_LINEAGE_GROUP, now, ctx.user);
    const record: LineageShareRecord = { ownerAccount: ctx.scope.account, region: ctx.scope.region, granteeAccount: grantee, grantedAt: now, grantedBy: ctx.user };
    const created = await tx.grantLineageShare(record);
    const sameAsPairs = await linkTwinsBetween(tx, ctx.scope.region, ctx.scope.account, grantee, now, ctx.user);
    const stored = (await tx.listLineageShares(ctx.scope)).find((s) => s.ownerAccount === ctx.scope.account && s.granteeAccount === grantee);
    return { share: view(stored ?? record), created, sameAsPairs };
  });
}

/**
 * Revokes a grant the caller made. From then on the other account reads the caller's entities as
 * missing again; associations it made to them stay (its own), but cannot be read or traversed.
 */
export async function revokeLineageShare(deps: ApiDeps, ctx: RequestContext, body: unknown): Promise<{ revoked: boolean }> {
  const grantee = granteeOf(body, ctx);
  await deps.store.transaction(async (tx) => {
    if (!(await tx.revokeLineageShare(ctx.scope, grantee))) {
      throw new ResourceNotFound(`Account ${grantee} has no grant to the lineage group ${lineageGroupArn(ctx.scope)}.`);
    }
  });
  return { revoked: true };
}
