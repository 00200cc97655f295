/**
 * Trials: CreateTrial, DescribeTrial, UpdateTrial, DeleteTrial, ListTrials. A trial belongs to
 * one experiment (fixed at creation) and groups trial components; it cannot be deleted while any
 * trial component is still associated with it.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrial.html
 */
import { formatArn } from '../../core/arn.js';
import { fromOptionalEpochSeconds } from '../../core/clock.js';
import { ValidationException } from '../../core/errors.js';
import type { ApiDeps } from '../context.js';
import type { OperationTable } from '../operation.js';
import { readPage } from '../pagination.js';
import { reindexEntity, reindexEntityByArn } from '../search/registry.js';
import { deleteEntity, insertEntity, requireEntity } from '../lineage/entities.js';
import { compact, describeTrial, trialSummary } from './records.js';

export function trialOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async CreateTrial(input, ctx) {
      const name = input.TrialName;
      const arn = formatArn(ctx.scope, 'experiment-trial', name);
      const now = clock.now();
      return store.transaction(async (tx) => {
        const experiment = await requireEntity(tx, ctx.scope, 'experiment', input.ExperimentName);
        const created = await insertEntity(
          tx,
          deps,
          ctx,
          {
            arn,
            account: ctx.scope.account,
            region: ctx.scope.region,
            kind: 'experiment-trial',
            name,
            type: null,
            sourceUri: null,
            status: null,
            description: null,
            properties: {},
            attrs: compact({
              DisplayName: input.DisplayName ?? name,
              ExperimentName: experiment.name,
              MetadataProperties: input.MetadataProperties,
            }),
            createdAt: now,
            createdBy: ctx.user,
            modifiedAt: now,
            modifiedBy: ctx.user,
            automatic: false,
          },
          input.Tags,
          `Trial with name (${name}) already exists.`,
        );
        await tx.linkTrialToExperiment(created.id, experiment.id);
        await reindexEntity(tx, created);
        return { TrialArn: arn };
      });
    },

    async DescribeTrial(input, ctx) {
      return compact(describeTrial(await store.read((r) => requireEntity(r, ctx.scope, 'experiment-trial', input.TrialName))));
    },

    async UpdateTrial(input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const t = await requireEntity(tx, ctx.scope, 'experiment-trial', input.TrialName);
        await tx.updateEntity(t.id, {
          attrs: input.DisplayName === undefined ? undefined : { ...t.attrs, DisplayName: input.DisplayName },
          modifiedAt: now,
          modifiedBy: ctx.user,
        });
        await reindexEntityByArn(tx, t.arn);
        return { TrialArn: t.arn };
      });
    },

    async DeleteTrial(input, ctx) {
      return store.transaction(async (tx) => {
        const t = await requireEntity(tx, ctx.scope, 'experiment-trial', input.TrialName);
        const components = await tx.countComponentsOfTrial(t.id);
        if (components > 0) {
          throw new ValidationException(
            `Trial ${t.arn} cannot be deleted: it still has ${components} ${components === 1 ? 'trial component' : 'trial components'}. ` +
              'Disassociate them first with DisassociateTrialComponent (the SageMaker Experiments SDK does this with delete_all(action="--force")).',
          );
        }
        await deleteEntity(tx, ctx.scope, t);
        await tx.unlinkTrial(t.id);
        await tx.deleteSearchDocument(t.arn);
        return { TrialArn: t.arn };
      });
    },

    async ListTrials(input, ctx) {
      const page = await store.read(async (r) => {
        const experiment = input.ExperimentName === undefined ? undefined : await requireEntity(r, ctx.scope, 'experiment', input.ExperimentName);
        const component =
          input.TrialComponentName === undefined
            ? undefined
            : await requireEntity(r, ctx.scope, 'experiment-trial-component', input.TrialComponentName);
        return readPage(
          'ListTrials',
          input,
          (after, limit) =>
            r.listExperimentEntities({
              scope: ctx.scope,
              kind: 'experiment-trial',
              experimentId: experiment?.id,
              componentId: component?.id,
              createdAfter: fromOptionalEpochSeconds(input.CreatedAfter),
              createdBefore: fromOptionalEpochSeconds(input.CreatedBefore),
              sortBy: input.SortBy ?? 'CreationTime',
              ascending: input.SortOrder === 'Ascending',
              after,
              limit,
            }),
          (e) => ({ value: input.SortBy === 'Name' ? (e.name ?? '') : e.createdAt, id: e.id }),
        );
      });
      return { TrialSummaries: page.items.map((t) => compact(trialSummary(t))), NextToken: page.nextToken };
    },
  };
}
