/**
 * The QueryLineage vocabulary shared by the engine (engine.ts), its reference evaluator
 * (reference.ts) and their callers: a query with its filters already normalized, and the complete,
 * ordered answer that pages are cut from (page.ts).
 */
import type { AssociationType, LineageType } from '../core/model.js';

export type LineageDirection = 'Ascendants' | 'Descendants' | 'Both';

/** Filters select which vertices are returned; traversal goes on through vertices that fail them. */
export interface LineageFilters {
  /** OR within; absent or empty = no constraint. */
  readonly lineageTypes?: ReadonlySet<LineageType>;
  /** Vertex `Type` values, OR within. */
  readonly types?: ReadonlySet<string>;
  /** Inclusive bounds, epoch milliseconds. */
  readonly createdBefore?: number;
  readonly createdAfter?: number;
  readonly modifiedBefore?: number;
  readonly modifiedAfter?: number;
  /** A vertex matches when any one pair matches one of its properties. */
  readonly properties?: readonly (readonly [string, string])[];
}

export interface LineageQuery {
  /** Entity ids of the (already resolved and authorized) start vertices. */
  readonly startIds: readonly number[];
  readonly direction: LineageDirection;
  readonly maxDepth: number;
  readonly filters: LineageFilters;
  readonly includeEdges: boolean;
}

export interface AnswerVertex {
  readonly id: number;
  readonly arn: string;
  /** Associations on the shortest path from any start. */
  readonly depth: number;
  readonly type: string | undefined;
  readonly lineageType: LineageType;
}

export interface AnswerEdge {
  readonly sourceArn: string;
  readonly destinationArn: string;
  readonly type: AssociationType | null;
  /** Position (in the answer's vertex order) of the edge's later endpoint: the page it belongs to. */
  readonly owner: number;
}

/** The unpaged answer: vertices in BFS order (depth, then ARN); edges by owner, source, destination. */
export interface LineageAnswer {
  readonly vertices: readonly AnswerVertex[];
  readonly edges: readonly AnswerEdge[];
}

/** Orders vertices by depth, then ARN (by UTF-16 code unit, so independent of locale). */
export function compareVertices(a: { depth: number; arn: string }, b: { depth: number; arn: string }): number {
  if (a.depth !== b.depth) return a.depth - b.depth;
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}

export function compareEdges(a: AnswerEdge, b: AnswerEdge): number {
  if (a.owner !== b.owner) return a.owner - b.owner;
  if (a.sourceArn !== b.sourceArn) return a.sourceArn < b.sourceArn ? -1 : 1;
  if (a.destinationArn !== b.destinationArn) return a.destinationArn < b.destinationArn ? -1 : 1;
  return 0;
}

export function hasFilters(f: LineageFilters): boolean {
  return (
    (f.lineageTypes !== undefined && f.lineageTypes.size > 0) ||
    (f.types !== undefined && f.types.size > 0) ||
    f.createdBefore !== undefined ||
    f.createdAfter !== undefined ||
    f.modifiedBefore !== undefined ||
    f.modifiedAfter !== undefined ||
    (f.properties !== undefined && f.properties.length > 0)
  );
}
