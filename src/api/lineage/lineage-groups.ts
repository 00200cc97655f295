/**
 * Lineage groups: every account has one, `sagemaker-default-lineage-group`, created with its first
 * lineage entity. It is what another account is granted access to when lineage is shared.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeLineageGroup.html
 */
import { fromOptionalEpochSeconds, toEpochSeconds } from '../../core/clock.js';
import { ResourceNotFound } from '../../core/errors.js';
import type { LineageGroupRecord } from '../../core/model.js';
import type { ApiDeps } from '../context.js';
import type { OperationTable } from '../operation.js';
import { decodeNextToken, DEFAULT_MAX_RESULTS, encodeNextToken } from '../pagination.js';

export function lineageGroupOperations(deps: ApiDeps): OperationTable {
  const { store } = deps;

  async function requireGroup(scope: { account: string; region: string }, nameOrArn: string): Promise<LineageGroupRecord> {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
    const group = await store.read((r) => r.getLineageGroup(scope, name));
    if (!group || (nameOrArn.startsWith('arn:') && group.arn !== nameOrArn)) {
      throw new ResourceNotFound(`Lineage group ${nameOrArn} does not exist.`);
    }
    return group;
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
      const g = await requireGroup(ctx.scope, input.LineageGroupName);
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
      const g = await requireGroup(ctx.scope, input.LineageGroupName);
      return { LineageGroupArn: g.arn };
    },
  };
}
