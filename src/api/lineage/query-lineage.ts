/**
 * QueryLineage (DESIGN §5): the request checked against the configured depth limit and turned into
 * an engine query, one snapshot read, one page cut from the answer.
 *
 * Pages: MaxResults vertices per page (all up to 10,000 when omitted). The NextToken is a keyset
 * position in the answer's order — the (depth, ARN) of the page's last vertex — bound to the query
 * by a fingerprint of everything but NextToken and MaxResults, so reusing it with another query is
 * refused. Each page re-evaluates the query on a fresh snapshot and resumes strictly after that
 * position; see docs/behaviour.md for what concurrent writes can and cannot do to a paging client.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_QueryLineage.html
 */
import { fromOptionalEpochSeconds } from '../../core/clock.js';
import { ResourceNotFound, ValidationException } from '../../core/errors.js';
import { evaluateLineage } from '../../lineage/engine.js';
import { pageOf } from '../../lineage/page.js';
import type { LineagePosition } from '../../lineage/page.js';
import type { LineageDirection, LineageFilters, LineageQuery } from '../../lineage/query.js';
import type { LineageVertex } from '../../storage/lineage-graph.js';
import type { ApiDeps } from '../context.js';
import type { Edge, QueryFilters, QueryLineageRequest, Vertex } from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { decodeNextToken, encodeNextToken } from '../pagination.js';
import { canRead, lineageAccess } from './access.js';

/** SageMaker's depth limit, and the default depth of a query. */
export const DEFAULT_LINEAGE_DEPTH = 10;
/** Vertices per page when MaxResults is omitted. */
export const UNPAGED_LINEAGE_RESULTS = 10_000;
/** When Direction is omitted: the SageMaker Python SDK's default. */
const DEFAULT_DIRECTION: LineageDirection = 'Both';

function toFilters(f: QueryFilters | undefined): LineageFilters {
  if (!f) return {};
  const ms = (s: number | undefined): number | undefined => (fromOptionalEpochSeconds(s));
  return {
    lineageTypes: f.LineageTypes && f.LineageTypes.length > 0 ? new Set(f.LineageTypes) : undefined,
    types: f.Types && f.Types.length > 0 ? new Set(f.Types) : undefined,
    createdBefore: ms(f.CreatedBefore),
    createdAfter: ms(f.CreatedAfter),
    modifiedBefore: ms(f.ModifiedBefore),
    modifiedAfter: ms(f.ModifiedAfter),
    properties: f.Properties && Object.keys(f.Properties).length > 0 ? Object.entries(f.Properties) : undefined,
  };
}

/** The query in a canonical form, for binding NextTokens: the same query always prints the same. */
function canonical(startArns: readonly string[], direction: LineageDirection, maxDepth: number, includeEdges: boolean, f: LineageFilters): object {
  const sorted = (values: Iterable<string> | undefined): string[] | null => (values ? [...values].sort() : null);
  return {
    StartArns: [...startArns].sort(),
    Direction: direction,
    MaxDepth: maxDepth,
    IncludeEdges: includeEdges,
    Filters: [
      sorted(f.lineageTypes),
      sorted(f.types),
      f.createdBefore ?? null,
      f.createdAfter ?? null,
      f.modifiedBefore ?? null,
      f.modifiedAfter ?? null,
      f.properties ? [...f.properties].map(([k, v]) => `${k}\u0000${v}`).sort() : null,
    ],
  };
}

function decodePosition(token: string, bound: object): LineagePosition {
  const cursor = decodeNextToken('QueryLineage', bound, token);
  if (typeof cursor.value !== 'number' || !Number.isInteger(cursor.value) || typeof cursor.id !== 'string') {
    throw new ValidationException(`Invalid NextToken '${token.slice(0, 64)}': it was not issued by this service.`);
  }
  return { depth: cursor.value, arn: cursor.id };
}

export function queryLineageOperations(deps: ApiDeps): OperationTable {
  const { store } = deps;
  const depthLimit = deps.config.maxLineageDepth ?? DEFAULT_LINEAGE_DEPTH;
  return {
    async QueryLineage(input: QueryLineageRequest, ctx) {
      const maxDepth = input.MaxDepth ?? Math.min(DEFAULT_LINEAGE_DEPTH, depthLimit);
      if (maxDepth > depthLimit) {
        throw new ValidationException(
          `1 validation error detected: Value '${maxDepth}' at 'maxDepth' failed to satisfy constraint: ` +
            `Member must have value less than or equal to ${depthLimit}`,
        );
      }
      const startArns = [...new Set(input.StartArns ?? [])];
      const direction = input.Direction ?? DEFAULT_DIRECTION;
      const includeEdges = input.IncludeEdges ?? false;
      const filters = toFilters(input.Filters);
      const bound = canonical(startArns, direction, maxDepth, includeEdges, filters);
      const after = input.NextToken === undefined ? undefined : decodePosition(input.NextToken, bound);

      const page = await store.read(async (reader) => {
        // One read of the grants to the caller; the traversal enters only what they allow.
        const access = await lineageAccess(reader, ctx.scope);
        const visible = (v: LineageVertex): boolean => canRead(v, access);
        const graph = reader.lineageGraph();
        const ids = await graph.lineageIdsOf(startArns);
        const starts = await graph.lineageVertices([...ids.values()]);
        const found = new Map(starts.filter(visible).map((v) => [v.arn, v]));
        const missing = startArns.find((arn) => !found.has(arn));
        if (missing !== undefined) throw new ResourceNotFound(`Entity ${missing} does not exist.`);
        const query: LineageQuery = { startIds: [...found.values()].map((v) => v.id), direction, maxDepth, filters, includeEdges };
        const limit = input.MaxResults ?? UNPAGED_LINEAGE_RESULTS;
        const answer = await evaluateLineage(graph, query, [...found.values()], visible, { after, limit });
        return pageOf(answer, after, limit);
      });

      const vertices: Vertex[] = page.vertices.map((v) => ({ Arn: v.arn, Type: v.type, LineageType: v.lineageType }));
      const edges: Edge[] = page.edges.map((e) => ({
        SourceArn: e.sourceArn,
        DestinationArn: e.destinationArn,
        AssociationType: e.type ?? undefined,
      }));
      return {
        Vertices: vertices,
        Edges: edges,
        NextToken: page.next ? encodeNextToken('QueryLineage', bound, { value: page.next.depth, id: page.next.arn }) : undefined,
      };
    },
  };
}
