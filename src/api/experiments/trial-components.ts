/**
 * Trial components: CreateTrialComponent, DescribeTrialComponent, UpdateTrialComponent,
 * DeleteTrialComponent, ListTrialComponents. A trial component is a lineage vertex (kind
 * `experiment-trial-component`, `type` = its Source.SourceType, `source_uri` = its Source.SourceArn),
 * so associations may join it to artifacts, actions and contexts. Source is read-only: Stemma sets
 * it for the trial components of jobs (createJobTrialComponent).
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrialComponent.html
 */
import { formatArn } from '../../core/arn.js';
import { fromEpochSeconds, fromOptionalEpochSeconds } from '../../core/clock.js';
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import type { EntityRecord } from '../../core/model.js';
import type { StoreTx } from '../../storage/store.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type { CreateTrialComponentRequest, TrialComponentSource } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { readPage } from '../pagination.js';
import { reindexEntity, reindexEntityByArn } from '../search/registry.js';
import { deleteEntity, insertEntity, requireEntity, requireReadableEntity } from '../lineage/entities.js';
import type { TrialComponentAttrs } from './records.js';
import { compact, componentAttrs, describeTrialComponent, trialComponentSummary } from './records.js';

const MAX_PARAMETERS = 300;
const MAX_ARTIFACTS = 60;

/** Applies an update's additions (merged by key) and removals to one of a trial component's maps. */
function mergeMap<V>(
  member: string,
  current: Readonly<Record<string, V>> | undefined,
  set: Readonly<Record<string, V>> | undefined,
  remove: readonly string[] | undefined,
  max: number,
): Record<string, V> | undefined {
  if (set === undefined && remove === undefined) return current === undefined ? undefined : { ...current };
  const both = (remove ?? []).filter((k) => set !== undefined && k in set);
  if (both.length > 0) {
    throw new ValidationException(`${member} and ${member}ToRemove both name ${both.map((k) => `'${k}'`).join(', ')}; name each key in one of them.`);
  }
  const merged: Record<string, V> = { ...current, ...set };
  for (const k of remove ?? []) delete merged[k];
  const n = Object.keys(merged).length;
  if (n > max) {
    throw new ValidationException(
      `1 validation error detected: Value with ${n} entries at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${max}`,
    );
  }
  return merged;
}

function checkTimes(start: number | undefined, end: number | undefined): void {
  if (start !== undefined && end !== undefined && end < start) {
    throw new ValidationException('EndTime must not be earlier than StartTime.');
  }
}

/**
 * Creates a trial component in a transaction: what CreateTrialComponent does, and what the job
 * runtime calls (with a Source and automatic=true) for the trial component of each job.
 */
export async function createTrialComponent(
  tx: StoreTx,
  deps: ApiDeps,
  ctx: RequestContext,
  input: CreateTrialComponentRequest,
  options: { source?: TrialComponentSource; automatic?: boolean } = {},
): Promise<EntityRecord> {
  const name = input.TrialComponentName;
  const now = deps.clock.now();
  const start = fromOptionalEpochSeconds(input.StartTime);
  const end = fromOptionalEpochSeconds(input.EndTime);
  checkTimes(start, end);
  const attrs: TrialComponentAttrs = {
    DisplayName: input.DisplayName ?? name,
    Source: options.source,
    Status: input.Status,
    StartTime: start,
    EndTime: end,
    Parameters: input.Parameters,
    InputArtifacts: input.InputArtifacts,
    OutputArtifacts: input.OutputArtifacts,
    MetadataProperties: input.MetadataProperties,
  };
  const created = await insertEntity(
    tx,
    deps,
    ctx,
    {
      arn: formatArn(ctx.scope, 'experiment-trial-component', name),
      account: ctx.scope.account,
      region: ctx.scope.region,
      kind: 'experiment-trial-component',
      name,
      type: options.source?.SourceType ?? null,
      sourceUri: options.source?.SourceArn ?? null,
      status: input.Status?.PrimaryStatus ?? null,
      description: null,
      properties: {},
      attrs: compact(attrs) as Record<string, unknown>,
      createdAt: now,
      createdBy: ctx.user,
      modifiedAt: now,
      modifiedBy: ctx.user,
      automatic: options.automatic ?? false,
    },
    input.Tags,
    `Trial component with name (${name}) already exists.`,
  );
  await reindexEntity(tx, created);
  return created;
}

export function trialComponentOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async CreateTrialComponent(input, ctx) {
      const created = await store.transaction((tx) => createTrialComponent(tx, deps, ctx, input));
      return { TrialComponentArn: created.arn };
    },

    async DescribeTrialComponent(input, ctx) {
      return store.read(async (r) => {
        const c = await requireReadableEntity(r, ctx.scope, 'experiment-trial-component', input.TrialComponentName);
        return compact(describeTrialComponent(c, await r.listTrialComponentMetrics(c.id)));
      });
    },

    async UpdateTrialComponent(input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const c = await requireEntity(tx, ctx.scope, 'experiment-trial-component', input.TrialComponentName);
        const a = componentAttrs(c);
        const start = input.StartTime === undefined ? a.StartTime : fromEpochSeconds(input.StartTime);
        const end = input.EndTime === undefined ? a.EndTime : fromEpochSeconds(input.EndTime);
        checkTimes(start, end);
        const attrs: TrialComponentAttrs = {
          ...a,
          DisplayName: input.DisplayName ?? a.DisplayName,
          Status: input.Status ?? a.Status,
          StartTime: start,
          EndTime: end,
          Parameters: mergeMap('Parameters', a.Parameters, input.Parameters, input.ParametersToRemove, MAX_PARAMETERS),
          InputArtifacts: mergeMap('InputArtifacts', a.InputArtifacts, input.InputArtifacts, input.InputArtifactsToRemove, MAX_ARTIFACTS),
          OutputArtifacts: mergeMap('OutputArtifacts', a.OutputArtifacts, input.OutputArtifacts, input.OutputArtifactsToRemove, MAX_ARTIFACTS),
        };
        await tx.updateEntity(c.id, {
          status: input.Status === undefined ? undefined : (input.Status.PrimaryStatus ?? null),
          attrs: compact(attrs) as Record<string, unknown>,
          modifiedAt: now,
          modifiedBy: ctx.user,
        });
        await reindexEntityByArn(tx, c.arn);
        return { TrialComponentArn: c.arn };
      });
    },

    async DeleteTrialComponent(input, ctx) {
      return store.transaction(async (tx) => {
        const c = await requireEntity(tx, ctx.scope, 'experiment-trial-component', input.TrialComponentName);
        const trials = await tx.countTrialsOfComponent(c.id);
        if (trials > 0) {
          throw new ValidationException(
            `Trial component ${c.arn} cannot be deleted: it is still associated with ${trials} ${trials === 1 ? 'trial' : 'trials'}. ` +
              'Disassociate it from every trial first with DisassociateTrialComponent.',
          );
        }
        // Lineage associations refuse the delete, as for every lineage entity.
        await deleteEntity(tx, ctx.scope, c);
        await tx.deleteTrialComponentMetrics(c.id);
        await tx.deleteSearchDocument(c.arn);
        return { TrialComponentArn: c.arn };
      });
    },

    async ListTrialComponents(input, ctx) {
      const filters = (['ExperimentName', 'TrialName', 'SourceArn'] as const).filter((f) => input[f] !== undefined);
      if (filters.length > 1) {
        throw new ValidationException(
          `ListTrialComponents filters by one of ExperimentName, TrialName and SourceArn at a time; ${filters.join(' and ')} were given.`,
        );
      }
      const page = await store.read(async (r) => {
        const experiment = input.ExperimentName === undefined ? undefined : await requireEntity(r, ctx.scope, 'experiment', input.ExperimentName);
        const trial = input.TrialName === undefined ? undefined : await requireEntity(r, ctx.scope, 'experiment-trial', input.TrialName);
        return readPage(
          'ListTrialComponents',
          input,
          (after, limit) =>
            r.listExperimentEntities({
              scope: ctx.scope,
              kind: 'experiment-trial-component',
              experimentId: experiment?.id,
              trialId: trial?.id,
              sourceArn: input.SourceArn,
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
      return { TrialComponentSummaries: page.items.map((c) => compact(trialComponentSummary(c))), NextToken: page.nextToken };
    },

    async AssociateTrialComponent(input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const c = await requireEntity(tx, ctx.scope, 'experiment-trial-component', input.TrialComponentName);
        const t = await requireEntity(tx, ctx.scope, 'experiment-trial', input.TrialName);
        // Associating twice is not an error: the component simply stays in the trial.
        if (await tx.addTrialMember(t.id, c.id, now)) {
          await reindexEntity(tx, c);
          await reindexEntity(tx, t);
        }
        return { TrialComponentArn: c.arn, TrialArn: t.arn };
      });
    },

    async DisassociateTrialComponent(input, ctx) {
      return store.transaction(async (tx) => {
        const c = await requireEntity(tx, ctx.scope, 'experiment-trial-component', input.TrialComponentName);
        const t = await requireEntity(tx, ctx.scope, 'experiment-trial', input.TrialName);
        if (!(await tx.removeTrialMember(t.id, c.id))) {
          throw new ResourceNotFound(`Trial component ${c.name ?? c.arn} is not associated with trial ${t.name ?? t.arn}.`);
        }
        await reindexEntity(tx, c);
        await reindexEntity(tx, t);
        return { TrialComponentArn: c.arn, TrialArn: t.arn };
      });
    },
  };
}
