/**
 * Models: CreateModel, DescribeModel, ListModels, DeleteModel. A model names the image and model
 * data an endpoint or transform job serves; its model data gets a `ModelData` artifact (or keeps the
 * `Model` artifact a training job already produced for that URI).
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html
 */
import { formatArn } from '../../core/arn.js';
import { toEpochSeconds } from '../../core/clock.js';
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import type { ResourceRecord } from '../../core/model.js';
import type { ApiDeps } from '../context.js';
import type { ContainerDefinition, DescribeModelOutput, ModelSummary } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { findModelPackage } from './model-packages.js';
import { ensureArtifact } from '../jobs/auto-lineage.js';
import { checkUri } from '../jobs/job-common.js';
import { deleteResource, insertResource, requireResource, stripUndefined, wireDoc } from '../jobs/resources.js';
import { listResourcePage } from '../jobs/resource-listing.js';

export const MODEL_KIND = 'model';

/** The containers of a model, primary first. */
export function modelContainers(model: ResourceRecord): ContainerDefinition[] {
  const d = wireDoc<DescribeModelOutput>(model);
  return d.PrimaryContainer ? [d.PrimaryContainer] : (d.Containers ?? []);
}

export function modelOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async CreateModel(input, ctx) {
      const containers = input.PrimaryContainer ? [input.PrimaryContainer] : (input.Containers ?? []);
      if (containers.length === 0) throw new ValidationException('CreateModel needs PrimaryContainer or Containers.');
      if (input.PrimaryContainer && input.Containers) throw new ValidationException('Give PrimaryContainer or Containers, not both.');
      containers.forEach((c, i) => {
        if (c.ModelDataUrl !== undefined) checkUri(`Container ${i + 1} ModelDataUrl`, c.ModelDataUrl);
        if (c.Image === undefined && c.ModelPackageName === undefined) {
          throw new ValidationException(`Container ${i + 1} needs an Image or a ModelPackageName.`);
        }
      });
      const now = clock.now();
      const arn = formatArn(ctx.scope, MODEL_KIND, input.ModelName.toLowerCase());
      const { Tags: tags, ...request } = input;
      await store.transaction(async (tx) => {
        for (const c of containers) {
          if (c.ModelPackageName !== undefined && !(await findModelPackage(tx, ctx.scope, c.ModelPackageName))) {
            throw new ResourceNotFound(`Model package ${c.ModelPackageName} does not exist.`);
          }
        }
        await insertResource(
          tx,
          { account: ctx.scope.account, region: ctx.scope.region, kind: MODEL_KIND, name: input.ModelName, arn, status: null, createdAt: now, modifiedAt: now, doc: stripUndefined({ ...request, ModelArn: arn, CreationTime: toEpochSeconds(now) }) },
          tags,
          new ValidationException(`Cannot create already existing model "${arn}".`),
        );
        for (const c of containers) if (c.ModelDataUrl !== undefined) await ensureArtifact(tx, deps, ctx, c.ModelDataUrl, 'ModelData');
      });
      return { ModelArn: arn };
    },

    async DescribeModel(input, ctx) {
      return wireDoc<DescribeModelOutput>(await store.read((r) => requireResource(r, ctx.scope, MODEL_KIND, 'Model', input.ModelName)));
    },

    async ListModels(input, ctx) {
      const page = await store.read((r) =>
        listResourcePage(r, ctx.scope, input, { operation: 'ListModels', kind: MODEL_KIND, defaultOrder: 'Descending' }),
      );
      const summaries: ModelSummary[] = page.items.map((m) => ({ ModelName: m.name, ModelArn: m.arn, CreationTime: toEpochSeconds(m.createdAt) }));
      return { Models: summaries, NextToken: page.nextToken };
    },

    async DeleteModel(input, ctx) {
      await store.transaction(async (tx) => {
        const m = await requireResource(tx, ctx.scope, MODEL_KIND, 'Model', input.ModelName);
        await deleteResource(tx, m);
      });
      return {};
    },
  };
}
