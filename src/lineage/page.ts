/**
 * Pages of a lineage answer. A page starts strictly after a position in the answer's vertex order —
 * the (depth, ARN) of the last vertex of the previous page, a keyset position rather than an
 * offset — and holds the edges whose later-discovered endpoint it holds, so across pages every
 * vertex and every edge appears exactly once and the pages together are the unpaged answer.
 */
import type { AnswerEdge, AnswerVertex, LineageAnswer } from './query.js';
import { compareVertices } from './query.js';

export interface LineagePosition {
  readonly depth: number;
  readonly arn: string;
}

export interface LineagePage {
  readonly vertices: readonly AnswerVertex[];
  readonly edges: readonly AnswerEdge[];
  /** Where the next page starts, when there is one. */
  readonly next?: LineagePosition;
}

export function pageOf(answer: LineageAnswer, after: LineagePosition | undefined, limit: number): LineagePage {
  const all = answer.vertices;
  // First vertex strictly after `after` (binary search: vertices are sorted).
  let lo = 0;
  if (after) {
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareVertices(all[mid] as AnswerVertex, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
  }
  const end = Math.min(all.length, lo + limit);
  const vertices = all.slice(lo, end);
  const edges = answer.edges.filter((e) => e.owner >= lo && e.owner < end);
  const last = vertices[vertices.length - 1];
  return end < all.length && last ? { vertices, edges, next: { depth: last.depth, arn: last.arn } } : { vertices, edges };
}
