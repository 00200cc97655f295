/**
 * Lineage groups: every account has one, `sagemaker-default-lineage-group`, created with its first
 * lineage entity. It is what another account is granted access to when lineage is shared
 * (shares.ts): a grantee can read the owner's group policy by the group's ARN. (DescribeLineageGroup
 * takes a name only, by its model's pattern, so it describes the caller's own group.)
 * ListLineageGroups lists the caller's own group only, as SageMaker's List APIs list your account.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeLineageGroup.html
 */
import type { Scope } from '../../core/arn.js';
import { isArn, parseArn } from '../../core/arn.js';
import { fromOptionalEpochSeconds, toEpochSeconds } from '../../core/clock.js';
import { ResourceNotFound } from '../../core/errors.js';
import type { LineageGroupRecord, LineageShareRecord } from '../../core/model.js';
import type { StoreReader } from '../../storage/store.js';
import type { ApiDeps } from '../context.js';
import type { OperationTable } from '../operation.js';
import { decodeNextToken, DEFAULT_MAX_RESULTS, encodeNextToken } from '../pagination.js';

export function lineageGroupOperations(deps: ApiDeps): OperationTable {
  const { store } = deps;

  /**
   * The caller's group by name or ARN, or by ARN the group of an account that shared it with the
   * caller; with the grants the group's owner has made.
   */
  async function requireGroup(r: StoreReader, scope: Scope, nameOrArn: string): Promise<{ group: LineageGroupRecord; grants: LineageShareRecord[] }> {
    const missing = (): ResourceNotFound => new ResourceNotFound(`Lineage group ${nameOrArn} does not exist.`);
    let owner: Scope = scope;
    let name = nameOrArn;
    const byArn = isArn(nameOrArn);
    if (byArn) {
      const arn = parseArn(nameOrArn);
      if (!arn || arn.resourceType !== 'lineage-group' || arn.region !== scope.region) throw missing();
      owner = { account: arn.account, region: arn.region };
      name = arn.resourceId;
    }
    const grants = (await r.listLineageShares(owner)).filter((g) => g.ownerAccount === owner.account);
    if (owner.account !== scope.account && !grants.some((g) => g.granteeAccount === scope.account)) throw missing();
    const group = await r.getLineageGroup(owner, name);
    if (!group || (byArn && group.arn !== nameOrArn)) throw missing();
    return { group, grants };
  }

  return {
    async ListLineageGroups(input, ctx) {
      const after = fromOptionalEpochSeconds(input.CreatedAfter);
      const before = fromOptionalEpochSeconds(input.CreatedBefore);
      const byName = input.SortBy === 'Name';
      const asc = input.SortOrder === 'Ascending';
      // An account has a single lineage group today, so sorting and paging happen in memory.
      const groups = (await store.read((r) => r.listLineageGroups(ctx.scope)))
        .filter((g) => (after === undefined || g.createdAt >= after) && (before === undefined || g.createdAt <= before))
        .sort((a, b) => {
          const c = byName ? a.name.localeCompare(b.name) : a.createdAt - b.createdAt || a.name.localeCompare(b.name);
          return asc ? c : -c;
        });
      let start = 0;
      if (input.NextToken) start = Number(decodeNextToken('ListLineageGroups', input, input.NextToken).value);
      const size = input.MaxResults ?? DEFAULT_MAX_RESULTS;
      const page = groups.slice(start, start + size);
      const more = start + size < groups.length;
      return {
        LineageGroupSummaries: page.map((g) => ({
          LineageGroupArn: g.arn,
          LineageGroupName: g.name,
          CreationTime: toEpochSeconds(g.createdAt),
          LastModifiedTime: toEpochSeconds(g.createdAt),
        })),
        NextToken: more ? encodeNextToken('ListLineageGroups', input, { value: start + size, id: 0 }) : undefined,
      };
    },

    async DescribeLineageGroup(input, ctx) {
      const g = await store.read((r) => r.getLineageGroup(ctx.scope, input.LineageGroupName));
      if (!g) throw new ResourceNotFound(`Lineage group ${input.LineageGroupName} does not exist.`);
      return {
        LineageGroupName: g.name,
        LineageGroupArn: g.arn,
        CreationTime: toEpochSeconds(g.createdAt),
        CreatedBy: g.createdBy,
        LastModifiedTime: toEpochSeconds(g.createdAt),
        LastModifiedBy: g.createdBy,
      };
    },

    async GetLineageGroupPolicy(input, ctx) {
      const { group, grants } = await store.read((r) => requireGroup(r, ctx.scope, input.LineageGroupName));
      const policy = lineageGroupPolicy(group.arn, grants.map((g) => g.granteeAccount));
      return { LineageGroupArn: group.arn, ...(policy === undefined ? {} : { ResourcePolicy: policy }) };
    },
  };
}

/** What a grant allows, exactly the actions the lineage spec §7.7 says a shared lineage group's policy must allow. */
export const SHARED_LINEAGE_ACTIONS: readonly string[] = [
  'sagemaker:DescribeAction',
  'sagemaker:DescribeArtifact',
  'sagemaker:DescribeContext',
  'sagemaker:DescribeTrialComponent',
  'sagemaker:AddAssociation',
  'sagemaker:DeleteAssociation',
  'sagemaker:QueryLineage',
];

/** The group's resource policy as the IAM JSON a RAM share would attach, or undefined when it is not shared. */
export function lineageGroupPolicy(groupArn: string, grantees: readonly string[]): string | undefined {
  if (grantees.length === 0) return undefined;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StemmaLineageShare',
        Effect: 'Allow',
        Principal: { AWS: [...grantees].sort().map((account) => `arn:aws:iam::${account}:root`) },
        Action: SHARED_LINEAGE_ACTIONS,
        Resource: groupArn,
      },
    ],
  });
}
