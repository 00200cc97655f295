/**
 * Artifacts: CreateArtifact, DescribeArtifact, UpdateArtifact, DeleteArtifact, ListArtifacts.
 * An artifact is identified by its Source; its ARN is derived from it (core/ids.ts), so creating
 * a second artifact for the same source fails with "already exists" and names the existing one.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateArtifact.html
 */
import { formatArn } from '../../core/arn.js';
import { fromOptionalEpochSeconds, toEpochSeconds } from '../../core/clock.js';
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import { artifactId } from '../../core/ids.js';
import type { EntityRecord } from '../../core/model.js';
import type { ApiDeps } from '../context.js';
import type { ArtifactSource, ArtifactSummary, DescribeArtifactResponse } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { readPage } from '../pagination.js';
import { isOwn } from './access.js';
import { deleteEntity, insertEntity, lineageGroupArn, mergeProperties, requireEntity, requireReadableEntity } from './entities.js';

function artifactArnOf(scope: { account: string; region: string }, source: ArtifactSource): string {
  return formatArn(scope, 'artifact', artifactId(source.SourceUri, source.SourceTypes ?? []));
}

/** Entities Stemma writes in bulk (automatic lineage) may keep only the URI column, not the request's Source. */
function sourceOf(e: EntityRecord): ArtifactSource {
  return (e.attrs['Source'] as ArtifactSource | undefined) ?? { SourceUri: e.sourceUri ?? '' };
}

function describe(e: EntityRecord): DescribeArtifactResponse {
  return {
    ArtifactName: e.name ?? undefined,
    ArtifactArn: e.arn,
    Source: sourceOf(e),
    ArtifactType: e.type ?? undefined,
    Properties: { ...e.properties },
    CreationTime: toEpochSeconds(e.createdAt),
    CreatedBy: e.createdBy,
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
    LastModifiedBy: e.modifiedBy,
    MetadataProperties: e.attrs['MetadataProperties'] as DescribeArtifactResponse['MetadataProperties'],
    LineageGroupArn: lineageGroupArn(e),
  };
}

function summary(e: EntityRecord): ArtifactSummary {
  return {
    ArtifactArn: e.arn,
    ArtifactName: e.name ?? undefined,
    Source: sourceOf(e),
    ArtifactType: e.type ?? undefined,
    CreationTime: toEpochSeconds(e.createdAt),
    LastModifiedTime: toEpochSeconds(e.modifiedAt),
  };
}

export function artifactOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async CreateArtifact(input, ctx) {
      const arn = artifactArnOf(ctx.scope, input.Source);
      const now = clock.now();
      const duplicate =
        `Artifact with source ${input.Source.SourceUri} already exists: ${arn}. ` +
        'An account has one artifact per source; reuse it, or give the new one distinct SourceTypes.';
      return store.transaction(async (tx) => {
        await insertEntity(
          tx,
          deps,
          ctx,
          {
            arn,
            account: ctx.scope.account,
            region: ctx.scope.region,
            kind: 'artifact',
            name: input.ArtifactName ?? null,
            type: input.ArtifactType,
            sourceUri: input.Source.SourceUri,
            status: null,
            description: null,
            properties: input.Properties ?? {},
            attrs: { Source: input.Source, MetadataProperties: input.MetadataProperties },
            createdAt: now,
            createdBy: ctx.user,
            modifiedAt: now,
            modifiedBy: ctx.user,
            automatic: false,
          },
          input.Tags,
          duplicate,
        );
        return { ArtifactArn: arn };
      });
    },

    async DescribeArtifact(input, ctx) {
      const entity = await store.read((r) => requireReadableEntity(r, ctx.scope, 'artifact', input.ArtifactArn));
      return describe(entity);
    },

    async UpdateArtifact(input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const entity = await requireEntity(tx, ctx.scope, 'artifact', input.ArtifactArn);
        await tx.updateEntity(entity.id, {
          name: input.ArtifactName,
          properties: mergeProperties(entity.properties, input.Properties, input.PropertiesToRemove),
          modifiedAt: now,
          modifiedBy: ctx.user,
        });
        return { ArtifactArn: entity.arn };
      });
    },

    async DeleteArtifact(input, ctx) {
      if (!input.ArtifactArn && !input.Source) {
        throw new ValidationException('Either ArtifactArn or Source must be given to delete an artifact.');
      }
      const arn = input.ArtifactArn ?? artifactArnOf(ctx.scope, input.Source as ArtifactSource);
      if (input.ArtifactArn && input.Source && artifactArnOf(ctx.scope, input.Source) !== input.ArtifactArn) {
        throw new ValidationException(
          `ArtifactArn ${input.ArtifactArn} and Source ${input.Source.SourceUri} name different artifacts; give one of them.`,
        );
      }
      return store.transaction(async (tx) => {
        const entity = await tx.getEntityByArn(arn);
        if (!entity || entity.kind !== 'artifact' || !isOwn(entity, ctx.scope)) {
          const what = input.ArtifactArn ?? `with source ${input.Source?.SourceUri}`;
          throw new ResourceNotFound(`Artifact ${what} does not exist.`);
        }
        await deleteEntity(tx, ctx.scope, entity);
        return { ArtifactArn: entity.arn };
      });
    },

    async ListArtifacts(input, ctx) {
      const page = await store.read((r) =>
        readPage(
          'ListArtifacts',
          input,
          (after, limit) =>
            r.listEntities({
              scope: ctx.scope,
              kind: 'artifact',
              sourceUri: input.SourceUri,
              type: input.ArtifactType,
              createdAfter: fromOptionalEpochSeconds(input.CreatedAfter),
              createdBefore: fromOptionalEpochSeconds(input.CreatedBefore),
              sortBy: 'CreationTime',
              ascending: input.SortOrder === 'Ascending',
              after,
              limit,
            }),
          (e) => ({ value: e.createdAt, id: e.id }),
        ),
      );
      return { ArtifactSummaries: page.items.map(summary), NextToken: page.nextToken };
    },
  };
}
