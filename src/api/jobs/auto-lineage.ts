/**
 * The lineage Stemma creates by itself for jobs, the model registry and endpoints (DESIGN §6, the
 * lineage spec §7.2). Every entity and association here is `automatic` (no quotas). Artifacts are
 * reused by source: the first creator of a URI's artifact fixes its type, as in SageMaker.
 */
import { formatArn } from '../../core/arn.js';
import { artifactId } from '../../core/ids.js';
import type { AssociationType, EntityRecord, EntityRef } from '../../core/model.js';
import type { StoreTx } from '../../storage/store.js';
import type { ApiDeps, RequestContext } from '../context.js';
import { insertEntity } from '../lineage/entities.js';

/** The artifact for a URI: the existing one (whatever its type), or a new one of `type`. */
export async function ensureArtifact(
  tx: StoreTx,
  deps: ApiDeps,
  ctx: RequestContext,
  uri: string,
  type: string,
  properties: Record<string, string> = {},
): Promise<EntityRecord> {
  const arn = formatArn(ctx.scope, 'artifact', artifactId(uri, []));
  const existing = await tx.getEntityByArn(arn);
  if (existing) return existing;
  const now = deps.clock.now();
  return insertEntity(
    tx,
    deps,
    ctx,
    {
      arn,
      account: ctx.scope.account,
      region: ctx.scope.region,
      kind: 'artifact',
      name: null,
      type,
      sourceUri: uri,
      status: null,
      description: null,
      properties,
      attrs: { Source: { SourceUri: uri } },
      createdAt: now,
      createdBy: ctx.user,
      modifiedAt: now,
      modifiedBy: ctx.user,
      automatic: true,
    },
    undefined,
    `Artifact with source ${uri} already exists: ${arn}.`,
  );
}

/** A context or action by name: the existing one, or a new automatic one. */
export async function ensureNamedEntity(
  tx: StoreTx,
  deps: ApiDeps,
  ctx: RequestContext,
  kind: 'context' | 'action',
  name: string,
  type: string,
  sourceUri: string,
  extra: { status?: string; properties?: Record<string, string>; description?: string } = {},
): Promise<EntityRecord> {
  const existing = await tx.getEntityByName(ctx.scope, kind, name);
  if (existing) return existing;
  const now = deps.clock.now();
  return insertEntity(
    tx,
    deps,
    ctx,
    {
      arn: formatArn(ctx.scope, kind, name),
      account: ctx.scope.account,
      region: ctx.scope.region,
      kind,
      name,
      type,
      sourceUri,
      status: extra.status ?? null,
      description: extra.description ?? null,
      properties: extra.properties ?? {},
      attrs: { Source: { SourceUri: sourceUri, SourceType: 'ARN' } },
      createdAt: now,
      createdBy: ctx.user,
      modifiedAt: now,
      modifiedBy: ctx.user,
      automatic: true,
    },
    undefined,
    `${kind === 'context' ? 'Context' : 'Action'} ${name} already exists.`,
  );
}

/** Adds the association unless the ordered pair is already joined (by any type). */
export async function ensureAssociation(
  tx: StoreTx,
  deps: ApiDeps,
  ctx: RequestContext,
  source: EntityRef,
  destination: EntityRef,
  type: AssociationType,
): Promise<void> {
  if (await tx.getAssociation(source.id, destination.id)) return;
  await tx.insertAssociation({
    sourceId: source.id,
    destinationId: destination.id,
    type,
    scope: ctx.scope,
    createdAt: deps.clock.now(),
    createdBy: ctx.user,
    automatic: true,
  });
}
