/**
 * The model registry: model package groups (CreateModelPackageGroup, Describe…, List…, Delete…) and
 * model packages (CreateModelPackage, DescribeModelPackage, ListModelPackages, UpdateModelPackage,
 * BatchDescribeModelPackage), with the lineage SageMaker creates (lineage spec §7.2): a group is a
 * `ModelGroup` context; a version is a `Model` artifact (source: its ARN) AssociatedWith the group,
 * fed by an `Approval` action and by its containers' `Image` and `Model` artifacts (ContributedTo).
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry.html
 */
import { formatArn, isArn } from '../../core/arn.js';
import { toEpochSeconds } from '../../core/clock.js';
import { ConflictException, ResourceNotFound, ValidationException } from '../../core/errors.js';
import type { ResourceRecord } from '../../core/model.js';
import type { StoreReader } from '../../storage/store.js';
import type { Scope } from '../../core/arn.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type {
  BatchDescribeModelPackageError,
  BatchDescribeModelPackageSummary,
  CreateModelPackageInput,
  DescribeModelPackageGroupOutput,
  DescribeModelPackageOutput,
  ModelPackageGroupSummary,
  ModelPackageSummary,
} from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { ensureArtifact, ensureAssociation, ensureNamedEntity } from '../jobs/auto-lineage.js';
import { checkUri } from '../jobs/job-common.js';
import { deleteResource, insertResource, requireResource, stripUndefined, updateResource, wireDoc } from '../jobs/resources.js';
import { listResourcePage } from '../jobs/resource-listing.js';

const GROUP_KIND = 'model-package-group';
const PACKAGE_KIND = 'model-package';

/**
 * The group's last version number, kept in its own (non-wire) doc key: versions are numbered in
 * the order their transactions take the group, which creation times need not follow (a replica
 * reads its clock before it waits for the group).
 */
const LAST_VERSION = '_lastVersion';

async function lastVersion(reader: StoreReader, scope: Scope, group: ResourceRecord): Promise<number> {
  const kept = group.doc[LAST_VERSION];
  if (typeof kept === 'number') return kept;
  // A group registered before the counter was kept: its newest version by creation time.
  const last = await reader.listResources({ scope, kind: PACKAGE_KIND, namePrefix: `${group.name}/`, sortBy: 'CreationTime', ascending: false, limit: 1 });
  return last[0] ? Number(last[0].doc['ModelPackageVersion']) : 0;
}

/** The ModelGroup context of a group: SageMaker names it `<group>-<epoch seconds>-aws-model-package-group`. */
export function groupContextName(group: ResourceRecord): string {
  return `${group.name}-${Math.floor(group.createdAt / 1000)}-aws-model-package-group`;
}

/** A model package by ARN, or an unversioned one by name. */
export async function findModelPackage(reader: StoreReader, scope: Scope, nameOrArn: string): Promise<ResourceRecord | undefined> {
  const r = isArn(nameOrArn) ? await reader.getResourceByArn(nameOrArn) : await reader.getResource(scope, PACKAGE_KIND, nameOrArn);
  return r && r.kind === PACKAGE_KIND && r.account === scope.account && r.region === scope.region ? r : undefined;
}

async function requireModelPackage(reader: StoreReader, scope: Scope, nameOrArn: string): Promise<ResourceRecord> {
  const p = await findModelPackage(reader, scope, nameOrArn);
  if (!p) throw new ResourceNotFound(`Model package ${nameOrArn} does not exist.`);
  return p;
}

function packageSummary(p: ResourceRecord): ModelPackageSummary {
  const d = wireDoc<DescribeModelPackageOutput>(p);
  return stripUndefined({
    ModelPackageName: d.ModelPackageName,
    ModelPackageGroupName: d.ModelPackageGroupName,
    ModelPackageVersion: d.ModelPackageVersion,
    ModelPackageArn: d.ModelPackageArn,
    ModelPackageDescription: d.ModelPackageDescription,
    CreationTime: d.CreationTime,
    ModelPackageStatus: d.ModelPackageStatus,
    ModelApprovalStatus: d.ModelApprovalStatus,
  });
}

/** The lineage of a new model package version, in its create transaction. */
async function recordPackageLineage(
  deps: ApiDeps,
  ctx: RequestContext,
  tx: Parameters<typeof ensureArtifact>[0],
  group: ResourceRecord,
  pkg: { arn: string; version: number; approval: string; input: CreateModelPackageInput },
): Promise<void> {
  const context = await ensureNamedEntity(tx, deps, ctx, 'context', groupContextName(group), 'ModelGroup', group.arn);
  const artifact = await ensureArtifact(tx, deps, ctx, pkg.arn, 'Model');
  await ensureAssociation(tx, deps, ctx, artifact, context, 'AssociatedWith');
  const actionName = `${group.name.toLowerCase()}-${pkg.version}-${pkg.approval}-${Math.floor(deps.clock.now() / 1000)}`.slice(0, 120);
  const approval = await ensureNamedEntity(tx, deps, ctx, 'action', actionName, 'Approval', pkg.arn, {
    status: 'Completed',
    properties: { ModelApprovalStatus: pkg.approval },
  });
  await ensureAssociation(tx, deps, ctx, approval, artifact, 'ContributedTo');
  for (const c of pkg.input.InferenceSpecification?.Containers ?? []) {
    const image = await ensureArtifact(tx, deps, ctx, c.Image, 'Image');
    await ensureAssociation(tx, deps, ctx, image, artifact, 'ContributedTo');
    if (c.ModelDataUrl !== undefined) {
      const model = await ensureArtifact(tx, deps, ctx, c.ModelDataUrl, 'Model');
      await ensureAssociation(tx, deps, ctx, model, artifact, 'ContributedTo');
    }
  }
}

export function modelPackageOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async CreateModelPackageGroup(input, ctx) {
      const now = clock.now();
      const arn = formatArn(ctx.scope, GROUP_KIND, input.ModelPackageGroupName.toLowerCase());
      const { Tags: tags, ...request } = input;
      await store.transaction(async (tx) => {
        const group = await insertResource(
          tx,
          {
            account: ctx.scope.account,
            region: ctx.scope.region,
            kind: GROUP_KIND,
            name: input.ModelPackageGroupName,
            arn,
            status: 'Completed',
            createdAt: now,
            modifiedAt: now,
            doc: stripUndefined({ ...request, ModelPackageGroupArn: arn, CreationTime: toEpochSeconds(now), CreatedBy: ctx.user, ModelPackageGroupStatus: 'Completed' }),
          },
          tags,
          `Model Package Group already exists: ${arn}`,
        );
        await ensureNamedEntity(tx, deps, ctx, 'context', groupContextName(group), 'ModelGroup', arn, { description: input.ModelPackageGroupDescription });
      });
      return { ModelPackageGroupArn: arn };
    },

    async DescribeModelPackageGroup(input, ctx) {
      return wireDoc<DescribeModelPackageGroupOutput>(
        await store.read((r) => requireResource(r, ctx.scope, GROUP_KIND, 'Model package group', input.ModelPackageGroupName)),
      );
    },

    async ListModelPackageGroups(input, ctx) {
      const page = await store.read((r) =>
        listResourcePage(r, ctx.scope, input, { operation: 'ListModelPackageGroups', kind: GROUP_KIND, defaultOrder: 'Descending' }),
      );
      const items: ModelPackageGroupSummary[] = page.items.map((g) => {
        const d = wireDoc<DescribeModelPackageGroupOutput>(g);
        return stripUndefined({
          ModelPackageGroupName: d.ModelPackageGroupName,
          ModelPackageGroupArn: d.ModelPackageGroupArn,
          ModelPackageGroupDescription: d.ModelPackageGroupDescription,
          CreationTime: d.CreationTime,
          ModelPackageGroupStatus: d.ModelPackageGroupStatus,
        });
      });
      return { ModelPackageGroupSummaryList: items, NextToken: page.nextToken };
    },

    async DeleteModelPackageGroup(input, ctx) {
      await store.transaction(async (tx) => {
        const g = await requireResource(tx, ctx.scope, GROUP_KIND, 'Model package group', input.ModelPackageGroupName);
        const versions = await tx.listResources({ scope: ctx.scope, kind: PACKAGE_KIND, namePrefix: `${g.name}/`, sortBy: 'CreationTime', ascending: true, limit: 1 });
        if (versions.length > 0) {
          throw new ConflictException(`Model package group ${g.name} still has model package versions; delete them before the group.`);
        }
        await deleteResource(tx, g);
      });
      return {};
    },

    async CreateModelPackage(input, ctx) {
      const groupName = input.ModelPackageGroupName;
      if ((groupName === undefined) === (input.ModelPackageName === undefined)) {
        throw new ValidationException(
          'Give ModelPackageGroupName (a versioned model package, registered in a group) or ModelPackageName (an unversioned one), not both or neither.',
        );
      }
      for (const [i, c] of (input.InferenceSpecification?.Containers ?? []).entries()) {
        if (c.ModelDataUrl !== undefined) checkUri(`InferenceSpecification container ${i + 1} ModelDataUrl`, c.ModelDataUrl);
      }
      const now = clock.now();
      const { Tags: tags, ClientToken: _token, ...request } = input;
      const arn = await store.transaction(async (tx) => {
        if (groupName === undefined) {
          const name = input.ModelPackageName as string;
          const arn = formatArn(ctx.scope, PACKAGE_KIND, name.toLowerCase());
          const doc = { ...request, ModelPackageArn: arn, ModelPackageStatus: 'Completed', ModelPackageStatusDetails: { ValidationStatuses: [] }, CreationTime: toEpochSeconds(now), CreatedBy: ctx.user };
          await insertResource(
            tx,
            { account: ctx.scope.account, region: ctx.scope.region, kind: PACKAGE_KIND, name, arn, status: input.ModelApprovalStatus ?? null, createdAt: now, modifiedAt: now, doc: stripUndefined(doc) },
            tags,
            `Model package ${name} already exists: ${arn}`,
          );
          return arn;
        }
        const group = await tx.getResource(ctx.scope, GROUP_KIND, groupName);
        if (!group) throw new ResourceNotFound(`Model package group ${groupName} does not exist. Create it first with CreateModelPackageGroup.`);
        const version = (await lastVersion(tx, ctx.scope, group)) + 1;
        // The group's row is held until commit (a write transaction's reads lock on PostgreSQL; the
        // embedded store has one writer), so the next version waits for this one.
        await tx.updateResource(group.id, { doc: { ...group.doc, [LAST_VERSION]: version }, modifiedAt: group.modifiedAt });
        const arn = formatArn(ctx.scope, PACKAGE_KIND, `${group.name.toLowerCase()}/${version}`);
        const approval = input.ModelApprovalStatus ?? 'PendingManualApproval';
        const doc = {
          ...request,
          ModelPackageName: group.name,
          ModelPackageGroupName: group.name,
          ModelPackageVersion: version,
          ModelPackageArn: arn,
          ModelApprovalStatus: approval,
          ModelPackageStatus: 'Completed',
          ModelPackageStatusDetails: { ValidationStatuses: [] },
          CreationTime: toEpochSeconds(now),
          CreatedBy: ctx.user,
        };
        await insertResource(
          tx,
          { account: ctx.scope.account, region: ctx.scope.region, kind: PACKAGE_KIND, name: `${group.name}/${version}`, arn, status: approval, createdAt: now, modifiedAt: now, doc: stripUndefined(doc) },
          tags,
          `Model package version ${version} of ${group.name} already exists: ${arn}`,
        );
        await recordPackageLineage(deps, ctx, tx, group, { arn, version, approval, input });
        return arn;
      });
      return { ModelPackageArn: arn };
    },

    async DescribeModelPackage(input, ctx) {
      return wireDoc<DescribeModelPackageOutput>(await store.read((r) => requireModelPackage(r, ctx.scope, input.ModelPackageName)));
    },

    async ListModelPackages(input, ctx) {
      const type = input.ModelPackageType ?? 'Both';
      const page = await store.read(async (r) => {
        const group = input.ModelPackageGroupName === undefined ? undefined : await requireResource(r, ctx.scope, GROUP_KIND, 'Model package group', input.ModelPackageGroupName);
        return listResourcePage(r, ctx.scope, input, {
          operation: 'ListModelPackages',
          kind: PACKAGE_KIND,
          defaultOrder: 'Descending',
          status: input.ModelApprovalStatus,
          namePrefix: group === undefined ? undefined : `${group.name}/`,
          versioned: group !== undefined || type === 'Versioned' ? true : type === 'Unversioned' ? false : undefined,
        });
      });
      return { ModelPackageSummaryList: page.items.map(packageSummary), NextToken: page.nextToken };
    },

    async UpdateModelPackage(input, ctx) {
      const now = clock.now();
      return store.transaction(async (tx) => {
        const p = await requireModelPackage(tx, ctx.scope, input.ModelPackageArn);
        const d = p.doc as DescribeModelPackageOutput & Record<string, unknown>;
        const metadata: Record<string, string> = { ...d.CustomerMetadataProperties, ...input.CustomerMetadataProperties };
        for (const k of input.CustomerMetadataPropertiesToRemove ?? []) delete metadata[k];
        const approval = input.ModelApprovalStatus ?? d.ModelApprovalStatus;
        const doc = {
          ...d,
          ModelApprovalStatus: approval,
          ApprovalDescription: input.ApprovalDescription ?? d.ApprovalDescription,
          CustomerMetadataProperties: Object.keys(metadata).length > 0 ? metadata : undefined,
          AdditionalInferenceSpecifications: [...(d.AdditionalInferenceSpecifications ?? []), ...(input.AdditionalInferenceSpecificationsToAdd ?? [])],
          InferenceSpecification: input.InferenceSpecification ?? d.InferenceSpecification,
          SourceUri: input.SourceUri ?? d.SourceUri,
          ModelCard: input.ModelCard ?? d.ModelCard,
          ModelLifeCycle: input.ModelLifeCycle ?? d.ModelLifeCycle,
          LastModifiedTime: toEpochSeconds(now),
          LastModifiedBy: ctx.user,
        };
        if (doc.AdditionalInferenceSpecifications.length === 0) delete (doc as Record<string, unknown>)['AdditionalInferenceSpecifications'];
        await updateResource(tx, p, { status: approval ?? null, doc: stripUndefined(doc), modifiedAt: now });
        // The version's Approval action follows its approval status.
        if (input.ModelApprovalStatus !== undefined && d.ModelPackageGroupName !== undefined) {
          const approvals = await tx.listEntities({ scope: ctx.scope, kind: 'action', sourceUri: p.arn, type: 'Approval', sortBy: 'CreationTime', ascending: true, limit: 10 });
          for (const a of approvals) {
            await tx.updateEntity(a.id, { properties: { ...a.properties, ModelApprovalStatus: input.ModelApprovalStatus }, modifiedAt: now, modifiedBy: ctx.user });
          }
        }
        return { ModelPackageArn: p.arn };
      });
    },

    async BatchDescribeModelPackage(input, ctx) {
      return store.read(async (r) => {
        const summaries: Record<string, BatchDescribeModelPackageSummary> = {};
        const errors: Record<string, BatchDescribeModelPackageError> = {};
        for (const arn of input.ModelPackageArnList) {
          const p = await findModelPackage(r, ctx.scope, arn);
          if (!p) {
            errors[arn] = { ErrorCode: 'ResourceNotFound', ErrorResponse: `Model package ${arn} does not exist.` };
            continue;
          }
          const d = wireDoc<DescribeModelPackageOutput>(p);
          summaries[arn] = stripUndefined({
            ModelPackageGroupName: d.ModelPackageGroupName ?? d.ModelPackageName,
            ModelPackageVersion: d.ModelPackageVersion,
            ModelPackageArn: d.ModelPackageArn,
            ModelPackageDescription: d.ModelPackageDescription,
            CreationTime: d.CreationTime,
            InferenceSpecification: d.InferenceSpecification ?? { Containers: [] },
            ModelPackageStatus: d.ModelPackageStatus,
            ModelApprovalStatus: d.ModelApprovalStatus,
          });
        }
        return { ModelPackageSummaries: summaries, BatchDescribeModelPackageErrorMap: errors };
      });
    },
  };
}
