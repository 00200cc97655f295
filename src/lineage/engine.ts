/**
 * The QueryLineage engine: a level-synchronous breadth-first search over any {@link LineageGraph},
 * reading one BFS level per call (one SQL statement per level and direction, or none at all with
 * an in-memory index).
 *
 * Semantics (DESIGN §5; reference.ts states them as plainly as possible and the property tests hold
 * this engine to it):
 * - depth of a vertex = associations on its shortest path from any start, in the query's direction
 *   (`Both`: ignoring direction at every vertex); vertices deeper than MaxDepth are not visited;
 *   a vertex the caller may not see is never entered;
 * - returned vertices: those that match the filters (which never stop the traversal);
 * - IncludeEdges: also every association, and every vertex, on a walk of at most MaxDepth
 *   associations from a start to a returned vertex. With `d` the depth and `h` the distance onward
 *   to the nearest matching vertex, vertex v lies on such a walk iff d(v) + h(v) ≤ MaxDepth, and
 *   the association u→v traversed from u iff d(u) + 1 + h(v) ≤ MaxDepth. Entities without a
 *   LineageType (experiments) are passed through but never returned, nor are their associations.
 */
import type { LineageGraph, LineageHop, LineageVertex, MaybePromise } from '../storage/lineage-graph.js';
import { hasPropertyFilter, matchesAttributes, matchesProperties } from './filters.js';
import type { AnswerEdge, AnswerVertex, LineageAnswer, LineageQuery } from './query.js';
import { compareEdges, compareVertices } from './query.js';
import { lineageTypeOf, vertexTypeOf } from './vertex-type.js';

/** Whether the caller may see (and so traverse into) a vertex. */
export type VisibilityCheck = (vertex: LineageVertex) => boolean;

async function settle<T>(value: MaybePromise<T>): Promise<T> {
  return value instanceof Promise ? await value : value;
}

/** A traversed association, in the orientation it was traversed (from the vertex it was reached from). */
interface Traversal {
  readonly from: number;
  readonly to: number;
  readonly hop: LineageHop;
}

/** Evaluates a query completely: every returned vertex and edge, in answer order. */
export async function evaluateLineage(
  graph: LineageGraph,
  query: LineageQuery,
  starts: readonly LineageVertex[],
  visible: VisibilityCheck,
): Promise<LineageAnswer> {
  const { direction, maxDepth, includeEdges, filters } = query;
  const depth = new Map<number, number>();
  const vertexOf = new Map<number, LineageVertex>();
  /** Reached but not entered: missing, or not visible to the caller. */
  const blocked = new Set<number>();
  const traversals: Traversal[] = [];

  let frontier: number[] = [];
  for (const s of starts) {
    if (depth.has(s.id)) continue;
    depth.set(s.id, 0);
    vertexOf.set(s.id, s);
    frontier.push(s.id);
  }

  for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
    const reached: Traversal[] = [];
    if (direction !== 'Ascendants') {
      for (const hop of await settle(graph.lineageHops(frontier, 'out'))) reached.push({ from: hop.sourceId, to: hop.destinationId, hop });
    }
    if (direction !== 'Descendants') {
      for (const hop of await settle(graph.lineageHops(frontier, 'in'))) reached.push({ from: hop.destinationId, to: hop.sourceId, hop });
    }
    const unseen: number[] = [];
    const asked = new Set<number>();
    for (const t of reached) {
      if (!depth.has(t.to) && !blocked.has(t.to) && !asked.has(t.to)) {
        asked.add(t.to);
        unseen.push(t.to);
      }
    }
    const next: number[] = [];
    if (unseen.length > 0) {
      for (const v of await settle(graph.lineageVertices(unseen))) {
        if (!visible(v)) continue;
        depth.set(v.id, level + 1);
        vertexOf.set(v.id, v);
        next.push(v.id);
      }
      for (const id of unseen) if (!depth.has(id)) blocked.add(id);
    }
    if (includeEdges) for (const t of reached) if (depth.has(t.to)) traversals.push(t);
    frontier = next;
  }

  // Which visited vertices match the filters.
  const matched = new Set<number>();
  const candidates: number[] = [];
  for (const v of vertexOf.values()) {
    const subject = { lineageType: lineageTypeOf(v.kind), type: vertexTypeOf(v.kind, v.type), createdAt: v.createdAt, modifiedAt: v.modifiedAt };
    if (matchesAttributes(filters, subject)) candidates.push(v.id);
  }
  if (hasPropertyFilter(filters) && candidates.length > 0) {
    const properties = await settle(graph.lineageProperties(candidates));
    for (const id of candidates) if (matchesProperties(filters, properties.get(id))) matched.add(id);
  } else {
    for (const id of candidates) matched.add(id);
  }

  const returned = includeEdges ? onPaths(matched, depth, traversals, maxDepth) : { vertices: matched, onward: undefined };
  const vertices: AnswerVertex[] = [];
  for (const id of returned.vertices) {
    const v = vertexOf.get(id) as LineageVertex;
    const lineageType = lineageTypeOf(v.kind);
    if (lineageType === undefined) continue;
    vertices.push({ id, arn: v.arn, depth: depth.get(id) as number, type: vertexTypeOf(v.kind, v.type), lineageType });
  }
  vertices.sort(compareVertices);

  const edges: AnswerEdge[] = [];
  const onward = returned.onward;
  if (onward) {
    const position = new Map<number, number>();
    vertices.forEach((v, i) => position.set(v.id, i));
    const seen = new Set<string>();
    for (const t of traversals) {
      const h = onward.get(t.to);
      if (h === undefined || (depth.get(t.from) as number) + 1 + h > maxDepth) continue;
      const from = position.get(t.hop.sourceId);
      const to = position.get(t.hop.destinationId);
      if (from === undefined || to === undefined) continue;
      const key = `${t.hop.sourceId}:${t.hop.destinationId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({
        sourceArn: (vertices[from] as AnswerVertex).arn,
        destinationArn: (vertices[to] as AnswerVertex).arn,
        type: t.hop.type,
        owner: Math.max(from, to),
      });
    }
    edges.sort(compareEdges);
  }
  return { vertices, edges };
}

/**
 * Vertices on walks of at most `maxDepth` associations from a start to a matched vertex, and each
 * visited vertex's distance onward to the nearest matched one (a BFS backwards from the matches).
 */
function onPaths(
  matched: ReadonlySet<number>,
  depth: ReadonlyMap<number, number>,
  traversals: readonly Traversal[],
  maxDepth: number,
): { vertices: Set<number>; onward: Map<number, number> } {
  const backwards = new Map<number, number[]>();
  for (const t of traversals) {
    let list = backwards.get(t.to);
    if (!list) {
      list = [];
      backwards.set(t.to, list);
    }
    list.push(t.from);
  }
  const onward = new Map<number, number>();
  let level: number[] = [];
  for (const id of matched) {
    onward.set(id, 0);
    level.push(id);
  }
  for (let h = 1; h <= maxDepth && level.length > 0; h++) {
    const next: number[] = [];
    for (const v of level) {
      for (const u of backwards.get(v) ?? []) {
        if (onward.has(u)) continue;
        onward.set(u, h);
        next.push(u);
      }
    }
    level = next;
  }
  const vertices = new Set<number>();
  for (const [id, h] of onward) if ((depth.get(id) as number) + h <= maxDepth) vertices.add(id);
  return { vertices, onward };
}
