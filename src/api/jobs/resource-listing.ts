/**
 * One page of a SageMaker `List*` over resources (jobs, models, the registry): the name, time and
 * status filters, SortBy/SortOrder, and keyset NextTokens every such listing shares.
 */
import type { Scope } from '../../core/arn.js';
import { fromOptionalEpochSeconds } from '../../core/clock.js';
import type { ResourceRecord } from '../../core/model.js';
import type { ResourceSortKey, StoreReader } from '../../storage/store.js';
import type { ListRequest } from '../pagination.js';
import { readPage } from '../pagination.js';

/** The members these List requests share (each operation's model allows a subset of SortBy keys). */
export interface ResourceListInput extends ListRequest {
  readonly NameContains?: string;
  readonly CreationTimeAfter?: number;
  readonly CreationTimeBefore?: number;
  readonly LastModifiedTimeAfter?: number;
  readonly LastModifiedTimeBefore?: number;
  readonly SortBy?: string;
  readonly SortOrder?: string;
}

export interface ResourceListOptions {
  readonly operation: string;
  readonly kind: string;
  /** SageMaker's documented default differs per operation (jobs: Ascending; models and registry: Descending). */
  readonly defaultOrder: 'Ascending' | 'Descending';
  readonly status?: string;
  readonly namePrefix?: string;
  readonly versioned?: boolean;
}


export function listResourcePage(
  reader: StoreReader,
  scope: Scope,
  input: ResourceListInput,
  options: ResourceListOptions,
): Promise<{ items: ResourceRecord[]; nextToken?: string }> {
  const sortBy = (input.SortBy ?? 'CreationTime') as ResourceSortKey;
  return readPage(
    options.operation,
    input,
    (after, limit) =>
      reader.listResources({
        scope,
        kind: options.kind,
        nameContains: input.NameContains,
        namePrefix: options.namePrefix,
        versioned: options.versioned,
        status: options.status,
        createdAfter: fromOptionalEpochSeconds(input.CreationTimeAfter),
        createdBefore: fromOptionalEpochSeconds(input.CreationTimeBefore),
        modifiedAfter: fromOptionalEpochSeconds(input.LastModifiedTimeAfter),
        modifiedBefore: fromOptionalEpochSeconds(input.LastModifiedTimeBefore),
        sortBy,
        ascending: (input.SortOrder ?? options.defaultOrder) === 'Ascending',
        after,
        limit,
      }),
    (r) => ({ value: sortBy === 'Name' ? r.name : sortBy === 'Status' ? (r.status ?? '') : r.createdAt, id: r.id }),
  );
}
