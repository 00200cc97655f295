/**
 * SQL for lineage-group grants between accounts (the `lineage_shares` table), written once with `?`
 * placeholders for both backends.
 */
import type { Scope } from '../../core/arn.js';
import type { LineageShareRecord } from '../../core/model.js';
import type { SqlQuery } from './listing.js';

/**
 * The grants an account takes part in within a region, as owner or as grantee, oldest first.
 * `lock` is appended as is: PostgreSQL's writers read grants `FOR SHARE`, so that a revoke waits
 * for an association being made under the grant.
 */
export function sharesOfSql(scope: Scope, lock = ''): SqlQuery {
  return {
    sql: `SELECT * FROM lineage_shares WHERE region = ? AND (owner_account = ? OR grantee_account = ?)
          ORDER BY granted_at, owner_account, grantee_account${lock}`,
    params: [scope.region, scope.account, scope.account],
  };
}

/** Records a grant; a grant that already exists is left as it was (the statement changes no row). */
export function grantShareSql(share: LineageShareRecord): SqlQuery {
  return {
    sql: `INSERT INTO lineage_shares (region, owner_account, grantee_account, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (region, owner_account, grantee_account) DO NOTHING`,
    params: [share.region, share.ownerAccount, share.granteeAccount, share.grantedAt, JSON.stringify(share.grantedBy)],
  };
}

/** Removes a grant; one that does not exist changes no row. */
export function revokeShareSql(owner: Scope, granteeAccount: string): SqlQuery {
  return {
    sql: 'DELETE FROM lineage_shares WHERE region = ? AND owner_account = ? AND grantee_account = ?',
    params: [owner.region, owner.account, granteeAccount],
  };
}
