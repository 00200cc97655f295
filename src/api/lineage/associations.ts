/**
 * Associations: AddAssociation, DeleteAssociation, ListAssociations. An association is a typed,
 * directed edge, at most one per ordered pair of entities. Both ends must exist; two experiment
 * entities (experiment, trial, trial component) may not be joined, as in SageMaker.
 *
 * Across accounts (access.ts): the caller needs the right to read both ends (its own, or shared
 * with it). An association belongs to the account that created it (its quota, its listing), and is
 * listed only while the caller can still read both of its ends.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AddAssociation.html
 */
import { fromOptionalEpochSeconds, toEpochSeconds } from '../../core/clock.js';
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import type { AssociationRecord } from '../../core/model.js';
import { EXPERIMENT_KINDS } from '../../core/model.js';
import { UniqueViolation } from '../../storage/store.js';
import type { ApiDeps } from '../context.js';
import type { AssociationSummary } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { readPage } from '../pagination.js';
import { consumeQuota, releaseQuota } from '../quotas.js';
import { lineageAccess, readableAccounts } from './access.js';
import { ENTITY_LABEL, requireEntityRef } from './entities.js';

function summary(a: AssociationRecord): AssociationSummary {
  return {
    SourceArn: a.sourceArn,
    DestinationArn: a.destinationArn,
    SourceType: a.sourceType ?? undefined,
    DestinationType: a.destinationType ?? undefined,
    AssociationType: a.type ?? undefined,
    SourceName: a.sourceName ?? undefined,
    DestinationName: a.destinationName ?? undefined,
    CreationTime: toEpochSeconds(a.createdAt),
    CreatedBy: a.createdBy,
  };
}

export function associationOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async AddAssociation(input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const access = await lineageAccess(tx, ctx.scope);
        const source = await requireEntityRef(tx, access, input.SourceArn);
        const destination = await requireEntityRef(tx, access, input.DestinationArn);
        if (EXPERIMENT_KINDS.has(source.kind) && EXPERIMENT_KINDS.has(destination.kind)) {
          throw new ValidationException(
            `An association cannot join two experiment entities: ${ENTITY_LABEL[source.kind]} ${source.arn} and ` +
              `${ENTITY_LABEL[destination.kind]} ${destination.arn}. One end must be an artifact, action or context.`,
          );
        }
        const duplicate = `Association from ${source.arn} to ${destination.arn} already exists.`;
        try {
          await tx.insertAssociation({
            sourceId: source.id,
            destinationId: destination.id,
            type: input.AssociationType ?? null,
            scope: ctx.scope,
            createdAt: now,
            createdBy: ctx.user,
            automatic: false,
          });
        } catch (e) {
          if (e instanceof UniqueViolation) throw new ValidationException(duplicate);
          throw e;
        }
        await consumeQuota(tx, ctx.scope, 'association', deps.config.quotas);
        return { SourceArn: source.arn, DestinationArn: destination.arn };
      });
    },

    async DeleteAssociation(input, ctx) {
      return store.transaction(async (tx) => {
        const access = await lineageAccess(tx, ctx.scope);
        const source = await requireEntityRef(tx, access, input.SourceArn);
        const destination = await requireEntityRef(tx, access, input.DestinationArn);
        const association = await tx.getAssociation(source.id, destination.id);
        if (!association) {
          throw new ResourceNotFound(`Association from ${source.arn} to ${destination.arn} does not exist.`);
        }
        await tx.deleteAssociation(source.id, destination.id);
        // The quota given back is its creator's, who may be another account with the right to both ends.
        if (!association.automatic) await releaseQuota(tx, { account: association.account, region: association.region }, 'association');
        return { SourceArn: source.arn, DestinationArn: destination.arn };
      });
    },

    async ListAssociations(input, ctx) {
      const sortBy = input.SortBy ?? 'CreationTime';
      const page = await store.read(async (r) => {
        const readable = readableAccounts(await lineageAccess(r, ctx.scope));
        return readPage(
          'ListAssociations',
          input,
          (after, limit) =>
            r.listAssociations({
              scope: ctx.scope,
              endAccounts: readable,
              sourceArn: input.SourceArn,
              destinationArn: input.DestinationArn,
              sourceType: input.SourceType,
              destinationType: input.DestinationType,
              associationType: input.AssociationType,
              createdAfter: fromOptionalEpochSeconds(input.CreatedAfter),
              createdBefore: fromOptionalEpochSeconds(input.CreatedBefore),
              sortBy,
              ascending: input.SortOrder === 'Ascending',
              after,
              limit,
            }),
          (a) => ({ value: associationSortValue(a, sortBy), id: a.id }),
        );
      });
      return { AssociationSummaries: page.items.map(summary), NextToken: page.nextToken };
    },
  };
}

function associationSortValue(a: AssociationRecord, sortBy: string): string | number {
  switch (sortBy) {
    case 'SourceArn':
      return a.sourceArn;
    case 'DestinationArn':
      return a.destinationArn;
    case 'SourceType':
      return a.sourceType ?? '';
    case 'DestinationType':
      return a.destinationType ?? '';
    default:
      return a.createdAt;
  }
}
