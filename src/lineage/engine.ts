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
import type { LineagePosition } from './page.js';
import type { AnswerEdge, AnswerVertex, LineageAnswer, LineageQuery } from './query.js';
import { compareEdges, compareVertices, hasFilters } from './query.js';
import { lineageTypeOf, vertexTypeOf } from './vertex-type.js';

/** Whether the caller may see (and so traverse into) a vertex. */
export type VisibilityCheck = (vertex: LineageVertex) => boolean;

/** Whether a graph answered with a promise. Awaiting only then keeps an in-memory traversal free of microtask hops. */
function pending<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

/** A traversed association, in the orientation it was traversed (from the vertex it was reached from). */
interface Traversal {
  readonly from: number;
  readonly to: number;
  readonly hop: LineageHop;
}

/**
 * The page the caller wants, when only one is wanted: lets the engine stop the traversal as soon as
 * that page is decided, instead of visiting everything within MaxDepth.
 */
export interface PageHint {
  readonly after?: LineagePosition;
  readonly limit: number;
}

/**
 * Evaluates a query: every returned vertex and edge, in answer order. With a {@link PageHint}, the
 * answer may stop at a depth once the hinted page (and whether another follows) is decided — every
 * vertex and edge up to that depth is still exact, so the page cut from it is the same.
 */
export async function evaluateLineage(
  graph: LineageGraph,
  query: LineageQuery,
  starts: readonly LineageVertex[],
  visible: VisibilityCheck,
  hint?: PageHint,
): Promise<LineageAnswer> {
  const { direction, maxDepth, includeEdges, filters } = query;
  const depth = new Map<number, number>();
  const vertexOf = new Map<number, LineageVertex>();
  /** Reached but not entered: missing, or not visible to the caller. */
  const blocked = new Set<number>();
  const traversals: Traversal[] = [];
  const matched = new Set<number>();

  // A vertex's membership in the answer is known level by level when nothing depends on what lies
  // deeper: without edges (only the filters decide), or with edges but no filters (every vertex
  // with a LineageType is returned). Then the traversal can stop once the hinted page is full.
  const canStopEarly = hint !== undefined && (!includeEdges || !hasFilters(filters));
  /** Per depth: vertices certain to be returned that come after the hinted position. */
  const returnedAfter: number[] = [];
  const byProperties = hasPropertyFilter(filters);
  /** Vertices that pass every filter but Properties. */
  const candidatesOf = (vertices: readonly LineageVertex[]): number[] => {
    const candidates: number[] = [];
    for (const v of vertices) {
      const subject = { lineageType: lineageTypeOf(v.kind), type: vertexTypeOf(v.kind, v.type), createdAt: v.createdAt, modifiedAt: v.modifiedAt };
      if (matchesAttributes(filters, subject)) candidates.push(v.id);
    }
    return candidates;
  };
  /** Records which of a level's vertices match; `properties` only when there is a Properties filter. */
  const classify = (
    vertices: readonly LineageVertex[],
    at: number,
    candidates: readonly number[],
    properties: ReadonlyMap<number, Readonly<Record<string, string>>> | undefined,
  ): void => {
    for (const id of candidates) if (!byProperties || matchesProperties(filters, properties?.get(id))) matched.add(id);
    if (!canStopEarly) return;
    let count = 0;
    for (const v of vertices) {
      const returned = includeEdges ? lineageTypeOf(v.kind) !== undefined : matched.has(v.id);
      if (returned && (!hint.after || compareVertices({ depth: at, arn: v.arn }, hint.after) > 0)) count++;
    }
    returnedAfter[at] = count;
  };
  /** Whether the vertices up to this depth already fill the hinted page and show that another follows. */
  const pageDecided = (upTo: number): boolean => {
    if (!canStopEarly) return false;
    let count = 0;
    for (let d = 0; d <= upTo; d++) count += returnedAfter[d] ?? 0;
    return count > hint.limit;
  };

  let frontier: number[] = [];
  const first: LineageVertex[] = [];
  for (const s of starts) {
    if (depth.has(s.id)) continue;
    depth.set(s.id, 0);
    vertexOf.set(s.id, s);
    frontier.push(s.id);
    first.push(s);
  }
  {
    const candidates = candidatesOf(first);
    const properties = byProperties && candidates.length > 0 ? graph.lineageProperties(candidates) : undefined;
    classify(first, 0, candidates, pending(properties) ? await properties : properties);
  }

  /** The depth the answer is cut at when the traversal stopped early. */
  let cut = Infinity;
  for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
    // Without edges, the vertices up to this level decide; with edges, those whose edges are all
    // known, i.e. up to the level expanded last.
    if (!includeEdges && pageDecided(level)) {
      cut = level;
      break;
    }
    if (includeEdges && level > 0 && pageDecided(level - 1)) {
      cut = level - 1;
      break;
    }
    const reached: Traversal[] = [];
    if (direction !== 'Ascendants') {
      const out = graph.lineageHops(frontier, 'out');
      for (const hop of pending(out) ? await out : out) reached.push({ from: hop.sourceId, to: hop.destinationId, hop });
    }
    if (direction !== 'Descendants') {
      const inward = graph.lineageHops(frontier, 'in');
      for (const hop of pending(inward) ? await inward : inward) reached.push({ from: hop.destinationId, to: hop.sourceId, hop });
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
    const entered: LineageVertex[] = [];
    if (unseen.length > 0) {
      const found = graph.lineageVertices(unseen);
      for (const v of pending(found) ? await found : found) {
        if (!visible(v)) continue;
        depth.set(v.id, level + 1);
        vertexOf.set(v.id, v);
        next.push(v.id);
        entered.push(v);
      }
      for (const id of unseen) if (!depth.has(id)) blocked.add(id);
    }
    if (includeEdges) for (const t of reached) if (depth.has(t.to)) traversals.push(t);
    const candidates = candidatesOf(entered);
    const properties = byProperties && candidates.length > 0 ? graph.lineageProperties(candidates) : undefined;
    classify(entered, level + 1, candidates, pending(properties) ? await properties : properties);
    frontier = next;
  }
  if (cut !== Infinity) {
    for (const [id, d] of depth) {
      if (d <= cut) continue;
      depth.delete(id);
      vertexOf.delete(id);
      matched.delete(id);
    }
    if (includeEdges) {
      const kept = traversals.filter((t) => depth.has(t.to));
      traversals.length = 0;
      traversals.push(...kept);
    }
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
      // Only Both can traverse one association twice (once from each end).
      if (direction === 'Both') {
        const key = `${t.hop.sourceId}:${t.hop.destinationId}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
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
