/**
 * Tags: AddTags, DeleteTags, ListTags, on every entity that has an ARN (associations have none,
 * so they cannot be tagged). At most 50 tags per resource; keys beginning with `aws:` are reserved.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AddTags.html
 */
import type { Scope } from '../../core/arn.js';
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import type { EntityRecord, ResourceRecord, Tag } from '../../core/model.js';
import type { StoreReader } from '../../storage/store.js';
import type { ApiDeps } from '../context.js';
import type { OperationTable } from '../operation.js';
import { decodeNextToken, encodeNextToken } from '../pagination.js';
import { reindexEntity, reindexResource } from '../search/registry.js';
import { isOwn } from './access.js';
import { dedupeTags } from './entities.js';

/** A lineage entity, or a SageMaker resource (a job, a model, an endpoint…), by ARN. */
async function requireTaggable(reader: StoreReader, scope: Scope, arn: string): Promise<{ arn: string; entity?: EntityRecord; resource?: ResourceRecord }> {
  const entity = await reader.getEntityByArn(arn);
  if (entity && isOwn(entity, scope)) return { arn: entity.arn, entity };
  const resource = await reader.getResourceByArn(arn);
  if (resource && resource.account === scope.account && resource.region === scope.region) return { arn: resource.arn, resource };
  throw new ResourceNotFound(`Entity ${arn} does not exist.`);
}

async function reindexTagged(tx: Parameters<typeof reindexEntity>[0], tagged: { entity?: EntityRecord; resource?: ResourceRecord }): Promise<void> {
  if (tagged.entity) await reindexEntity(tx, tagged.entity);
  if (tagged.resource) await reindexResource(tx, tagged.resource);
}

const MAX_TAGS = 50;

function checkReservedKeys(keys: readonly string[]): void {
  const reserved = keys.filter((k) => k.toLowerCase().startsWith('aws:'));
  if (reserved.length > 0) {
    throw new ValidationException(`Tag keys beginning with 'aws:' are reserved for AWS use: ${reserved.join(', ')}.`);
  }
}

export function tagOperations(deps: ApiDeps): OperationTable {
  const { store } = deps;
  return {
    async AddTags(input, ctx) {
      const tags: Tag[] = dedupeTags(input.Tags);
      checkReservedKeys(tags.map((t) => t.Key));
      return store.transaction(async (tx) => {
        const entity = await requireTaggable(tx, ctx.scope, input.ResourceArn);
        await tx.putTags(entity.arn, tags);
        const count = await tx.countTags(entity.arn);
        if (count > MAX_TAGS) {
          // Throwing rolls the transaction back, so no tag of this request is kept.
          throw new ValidationException(
            `Resource ${entity.arn} would have ${count} tags; a resource can have at most ${MAX_TAGS}.`,
          );
        }
        await reindexTagged(tx, entity);
        return { Tags: tags };
      });
    },

    async DeleteTags(input, ctx) {
      return store.transaction(async (tx) => {
        const entity = await requireTaggable(tx, ctx.scope, input.ResourceArn);
        await tx.removeTags(entity.arn, input.TagKeys);
        await reindexTagged(tx, entity);
        return {};
      });
    },

    async ListTags(input, ctx) {
      const pageSize = input.MaxResults ?? MAX_TAGS;
      return store.read(async (r) => {
        const entity = await requireTaggable(r, ctx.scope, input.ResourceArn);
        const after = input.NextToken ? decodeNextToken('ListTags', input, input.NextToken) : undefined;
        const rows = await r.listTags({
          resourceArn: entity.arn,
          afterKey: after === undefined ? undefined : String(after.value),
          limit: pageSize + 1,
        });
        if (rows.length <= pageSize) return { Tags: rows };
        const items = rows.slice(0, pageSize);
        const last = items[items.length - 1] as Tag;
        return { Tags: items, NextToken: encodeNextToken('ListTags', input, { value: last.Key, id: last.Key }) };
      });
    },
  };
}
