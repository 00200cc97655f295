/**
 * Actions and contexts: lineage entities identified by a name that is unique per account and
 * region. Their five operations differ only in member names and a few members (an action has a
 * Status and MetadataProperties), so one implementation serves both, driven by a descriptor.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateAction.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateContext.html
 */
import { formatArn } from '../../core/arn.js';
import { fromOptionalEpochSeconds, toEpochSeconds } from '../../core/clock.js';
import type { EntityRecord, Tag } from '../../core/model.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type { OperationTable } from '../operation.js';
import { readPage } from '../pagination.js';
import { deleteEntity, insertEntity, lineageGroupArn, mergeProperties, requireEntity, requireReadableEntity } from './entities.js';

/** The wire members shared by CreateAction/CreateContext and their siblings. */
interface NamedWireInput {
  readonly [member: string]: unknown;
  readonly Source?: { SourceUri: string; SourceType?: string; SourceId?: string };
  readonly Description?: string;
  readonly Status?: string;
  readonly Properties?: Record<string, string>;
  readonly PropertiesToRemove?: string[];
  readonly MetadataProperties?: Record<string, string>;
  readonly Tags?: Tag[];
  readonly SourceUri?: string;
  readonly CreatedAfter?: number;
  readonly CreatedBefore?: number;
  readonly SortBy?: 'Name' | 'CreationTime';
  readonly SortOrder?: 'Ascending' | 'Descending';
  readonly NextToken?: string;
  readonly MaxResults?: number;
}

interface NamedEntityKind {
  readonly kind: 'action' | 'context';
  readonly label: 'Action' | 'Context';
  /** Whether the entity has Status and MetadataProperties (actions do, contexts don't). */
  readonly hasStatus: boolean;
}

const ACTION: NamedEntityKind = { kind: 'action', label: 'Action', hasStatus: true };
const CONTEXT: NamedEntityKind = { kind: 'context', label: 'Context', hasStatus: false };

type WireHandler = (input: NamedWireInput, ctx: RequestContext) => Promise<Record<string, unknown>>;

function namedEntityOperations(deps: ApiDeps, k: NamedEntityKind): Record<string, WireHandler> {
  const { store, clock } = deps;
  const L = k.label;
  const nameOf = (input: NamedWireInput): string => input[`${L}Name`] as string;

  const describe = (e: EntityRecord): Record<string, unknown> => ({
    [`${L}Name`]: e.name,
    [`${L}Arn`]: e.arn,
    Source: e.attrs['Source'] ?? (e.sourceUri === null ? undefined : { SourceUri: e.sourceUri }),
    [`${L}Type`]: e.type,
    Description: e.description ?? undefined,
    ...(k.hasStatus ? { Status: e.status ?? undefined } : {}),
    Properties: { ...e.properties },
    CreationTime: toEpochSeconds(e.createdAt),
    CreatedBy: e.createdBy,
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
    LastModifiedBy: e.modifiedBy,
    ...(k.hasStatus ? { MetadataProperties: e.attrs['MetadataProperties'] } : {}),
    LineageGroupArn: lineageGroupArn(e),
  });

  const summary = (e: EntityRecord): Record<string, unknown> => ({
    [`${L}Arn`]: e.arn,
    [`${L}Name`]: e.name,
    Source: e.attrs['Source'] ?? (e.sourceUri === null ? undefined : { SourceUri: e.sourceUri }),
    [`${L}Type`]: e.type,
    ...(k.hasStatus ? { Status: e.status ?? undefined } : {}),
    CreationTime: toEpochSeconds(e.createdAt),
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
  });

  return {
    async [`Create${L}`](input, ctx) {
      const name = nameOf(input);
      const arn = formatArn(ctx.scope, k.kind, name);
      const now = clock.now();
      const duplicate = `${L} with name ${name} already exists: ${arn}.`;
      await store.transaction((tx) =>
        insertEntity(
          tx,
          deps,
          ctx,
          {
            arn,
            account: ctx.scope.account,
            region: ctx.scope.region,
            kind: k.kind,
            name,
            type: input[`${L}Type`] as string,
            sourceUri: input.Source?.SourceUri ?? null,
            status: k.hasStatus ? (input.Status ?? null) : null,
            description: input.Description ?? null,
            properties: input.Properties ?? {},
            attrs: k.hasStatus ? { Source: input.Source, MetadataProperties: input.MetadataProperties } : { Source: input.Source },
            createdAt: now,
            createdBy: ctx.user,
            modifiedAt: now,
            modifiedBy: ctx.user,
            automatic: false,
          },
          input.Tags,
          duplicate,
        ),
      );
      return { [`${L}Arn`]: arn };
    },

    async [`Describe${L}`](input, ctx) {
      return describe(await store.read((r) => requireReadableEntity(r, ctx.scope, k.kind, nameOf(input))));
    },

    async [`Update${L}`](input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const entity = await requireEntity(tx, ctx.scope, k.kind, nameOf(input));
        await tx.updateEntity(entity.id, {
          description: input.Description,
          status: k.hasStatus ? input.Status : undefined,
          properties: mergeProperties(entity.properties, input.Properties, input.PropertiesToRemove),
          modifiedAt: now,
          modifiedBy: ctx.user,
        });
        return { [`${L}Arn`]: entity.arn };
      });
    },

    async [`Delete${L}`](input, ctx) {
      return store.transaction(async (tx) => {
        const entity = await requireEntity(tx, ctx.scope, k.kind, nameOf(input));
        await deleteEntity(tx, ctx.scope, entity);
        return { [`${L}Arn`]: entity.arn };
      });
    },

    async [`List${L}s`](input, ctx) {
      const page = await store.read((r) =>
        readPage(
          `List${L}s`,
          input,
          (after, limit) =>
            r.listEntities({
              scope: ctx.scope,
              kind: k.kind,
              sourceUri: input.SourceUri,
              type: input[`${L}Type`] as string | undefined,
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
      return { [`${L}Summaries`]: page.items.map(summary), NextToken: page.nextToken };
    },
  };
}

/** The wire types are checked by the generated validator before a handler runs. */
export function actionOperations(deps: ApiDeps): OperationTable {
  return namedEntityOperations(deps, ACTION);
}

export function contextOperations(deps: ApiDeps): OperationTable {
  return namedEntityOperations(deps, CONTEXT);
}
