/**
 * Experiments: CreateExperiment, DescribeExperiment, UpdateExperiment, DeleteExperiment,
 * ListExperiments. An experiment groups trials; it cannot be deleted while it has any.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateExperiment.html
 */
import { formatArn } from '../../core/arn.js';
import { fromOptionalEpochSeconds } from '../../core/clock.js';
import { ValidationException } from '../../core/errors.js';
import type { ApiDeps } from '../context.js';
import type { OperationTable } from '../operation.js';
import { readPage } from '../pagination.js';
import { reindexEntity, reindexEntityByArn } from '../search/registry.js';
import { deleteEntity, insertEntity, requireEntity } from '../lineage/entities.js';
import { compact, describeExperiment, experimentSummary } from './records.js';

export function experimentOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async CreateExperiment(input, ctx) {
      const name = input.ExperimentName;
      const arn = formatArn(ctx.scope, 'experiment', name);
      const now = clock.now();
      return store.transaction(async (tx) => {
        const created = await insertEntity(
          tx,
          deps,
          ctx,
          {
            arn,
            account: ctx.scope.account,
            region: ctx.scope.region,
            kind: 'experiment',
            name,
            type: null,
            sourceUri: null,
            status: null,
            description: input.Description ?? null,
            properties: {},
            attrs: compact({ DisplayName: input.DisplayName ?? name }),
            createdAt: now,
            createdBy: ctx.user,
            modifiedAt: now,
            modifiedBy: ctx.user,
            automatic: false,
          },
          input.Tags,
          `Experiment with name (${name}) already exists.`,
        );
        await reindexEntity(tx, created);
        return { ExperimentArn: arn };
      });
    },

    async DescribeExperiment(input, ctx) {
      return compact(describeExperiment(await store.read((r) => requireEntity(r, ctx.scope, 'experiment', input.ExperimentName))));
    },

    async UpdateExperiment(input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const e = await requireEntity(tx, ctx.scope, 'experiment', input.ExperimentName);
        await tx.updateEntity(e.id, {
          description: input.Description,
          attrs: input.DisplayName === undefined ? undefined : { ...e.attrs, DisplayName: input.DisplayName },
          modifiedAt: now,
          modifiedBy: ctx.user,
        });
        await reindexEntityByArn(tx, e.arn);
        return { ExperimentArn: e.arn };
      });
    },

    async DeleteExperiment(input, ctx) {
      return store.transaction(async (tx) => {
        const e = await requireEntity(tx, ctx.scope, 'experiment', input.ExperimentName);
        const trials = await tx.countTrialsOfExperiment(e.id);
        if (trials > 0) {
          throw new ValidationException(
            `Experiment ${e.arn} cannot be deleted: it still has ${trials} ${trials === 1 ? 'trial' : 'trials'}. ` +
              'Delete its trials first (the SageMaker Experiments SDK does this with delete_all(action="--force")).',
          );
        }
        await deleteEntity(tx, ctx.scope, e);
        await tx.deleteSearchDocument(e.arn);
        return { ExperimentArn: e.arn };
      });
    },

    async ListExperiments(input, ctx) {
      const page = await store.read((r) =>
        readPage(
          'ListExperiments',
          input,
          (after, limit) =>
            r.listExperimentEntities({
              scope: ctx.scope,
              kind: 'experiment',
              createdAfter: fromOptionalEpochSeconds(input.CreatedAfter),
              createdBefore: fromOptionalEpochSeconds(input.CreatedBefore),
              sortBy: input.SortBy ?? 'CreationTime',
              ascending: input.SortOrder === 'Ascending',
              after,
              limit,
            }),
          (e) => ({ value: input.SortBy === 'Name' ? (e.name ?? '') : e.createdAt, id: e.id }),
        ),
      );
      return { ExperimentSummaries: page.items.map((e) => compact(experimentSummary(e))), NextToken: page.nextToken };
    },
  };
}
