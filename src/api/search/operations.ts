/**
 * Search and GetSearchSuggestions. Search compiles the request against the resource's property
 * catalog (expression.ts) and lets the store run it over the search projection, which is written
 * in the same transaction as every change, so results are exactly as fresh as committed writes.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Search.html
 */
import { ValidationException } from '../../core/errors.js';
import type { SearchCursor } from '../../storage/search-query.js';
import type { ApiDeps } from '../context.js';
import type { SearchRecord } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { DEFAULT_MAX_RESULTS, decodeNextToken, encodeNextToken } from '../pagination.js';
import { compileSearch } from './expression.js';
import { SEARCHABLE_RESOURCES } from './registry.js';

const MAX_SUGGESTIONS = 100;

function encodeCursor(c: SearchCursor): { value: string; id: number } {
  return { value: JSON.stringify(c.value), id: c.docId };
}

function decodeCursor(value: string | number, id: string | number): SearchCursor | undefined {
  if (typeof value !== 'string' || typeof id !== 'number') return undefined;
  try {
    const v = JSON.parse(value) as unknown;
    return v === null || typeof v === 'number' || typeof v === 'string' ? { value: v, docId: id } : undefined;
  } catch {
    return undefined;
  }
}

export function searchOperations(deps: ApiDeps): OperationTable {
  const { store } = deps;
  return {
    async Search(input, ctx) {
      const resource = SEARCHABLE_RESOURCES.get(input.Resource);
      // Resource types Stemma does not keep yet (training jobs, endpoints, …) have no instances.
      if (!resource) return { Results: [] };
      const { condition, sort } = compileSearch(resource, input);
      let after: SearchCursor | undefined;
      if (input.NextToken) {
        const raw = decodeNextToken('Search', input, input.NextToken);
        after = decodeCursor(raw.value, raw.id);
        if (!after) throw new ValidationException(`Invalid NextToken '${input.NextToken.slice(0, 64)}': it was not issued by this service.`);
      }
      const pageSize = input.MaxResults ?? DEFAULT_MAX_RESULTS;
      const hits = await store.read((r) =>
        r.search({ scope: ctx.scope, resource: resource.resource, condition, sort, after, limit: pageSize + 1 }),
      );
      const page = hits.slice(0, pageSize);
      const last = page[page.length - 1];
      const results: SearchRecord[] = page.map((h) => ({ [resource.recordMember]: h.record }));
      return {
        Results: results,
        NextToken:
          hits.length > pageSize && last
            ? encodeNextToken('Search', input, encodeCursor({ value: last.sortValue, docId: last.docId }))
            : undefined,
      };
    },

    async GetSearchSuggestions(input, ctx) {
      const resource = SEARCHABLE_RESOURCES.get(input.Resource);
      if (!resource) return { PropertyNameSuggestions: [] };
      const hint = input.SuggestionQuery?.PropertyNameQuery?.PropertyNameHint ?? '';
      const fromDocuments = await store.read((r) => r.searchPaths(ctx.scope, resource.resource, hint, MAX_SUGGESTIONS));
      const names = new Set([...resource.properties.fixedNames.filter((n) => n.startsWith(hint)), ...fromDocuments]);
      return {
        PropertyNameSuggestions: [...names]
          .sort()
          .slice(0, MAX_SUGGESTIONS)
          .map((PropertyName) => ({ PropertyName })),
      };
    },
  };
}
