/**
 * The reference evaluator: QueryLineage's semantics written as directly as possible, with no
 * concern for speed, over a whole graph held in plain arrays. The property tests compare the engine
 * (engine.ts) with it on thousands of random graphs.
 *
 * It works with walks of an exact number of steps instead of shortest distances:
 * - `reach[k]`: vertices at the end of some walk of exactly k associations from a start, entering
 *   only vertices the viewer may see: its own account's, or a lineage entity (artifact, action,
 *   context, trial component) of an account that shared with it. A vertex's depth is the least such k (k ≤ MaxDepth).
 * - `lead[k]`: visible vertices at the start of some walk of exactly k associations that ends at a
 *   matching vertex.
 * A vertex is on a qualifying walk iff it is in reach[a] and lead[b] with a + b ≤ MaxDepth; an
 * association from u to v iff u ∈ reach[a], v ∈ lead[b] and a + 1 + b ≤ MaxDepth.
 */
import type { AssociationType, EntityKind } from '../core/model.js';
import { matchesAttributes, matchesProperties } from './filters.js';
import type { AnswerEdge, AnswerVertex, LineageAnswer, LineageQuery } from './query.js';
import { compareEdges, compareVertices } from './query.js';
import { lineageTypeOf, vertexTypeOf } from './vertex-type.js';

export interface ReferenceEntity {
  readonly id: number;
  readonly arn: string;
  readonly kind: EntityKind;
  readonly type: string | null;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly properties: Readonly<Record<string, string>>;
  /** The owning account (all entities are in one region). */
  readonly account: string;
}

/** Who runs the query: an account, and the accounts that shared their lineage with it. */
export interface ReferenceViewer {
  readonly account: string;
  readonly sharedWithCaller: ReadonlySet<string>;
}

/** The visibility rule, stated on its own: own entities, and shared accounts' lineage entities (not experiments or trials). */
export function referenceCanSee(viewer: ReferenceViewer, e: Pick<ReferenceEntity, 'account' | 'kind'>): boolean {
  if (e.account === viewer.account) return true;
  return viewer.sharedWithCaller.has(e.account) && e.kind !== 'experiment' && e.kind !== 'experiment-trial';
}

export interface ReferenceAssociation {
  readonly sourceId: number;
  readonly destinationId: number;
  readonly type: AssociationType | null;
}

export function referenceLineage(
  entities: readonly ReferenceEntity[],
  associations: readonly ReferenceAssociation[],
  query: LineageQuery,
  viewer: ReferenceViewer,
): LineageAnswer {
  const byId = new Map(entities.map((e) => [e.id, e]));
  const D = query.maxDepth;
  // Each association as the steps it allows, in traversal orientation.
  const steps: { from: number; to: number; association: ReferenceAssociation }[] = [];
  for (const a of associations) {
    if (query.direction !== 'Ascendants') steps.push({ from: a.sourceId, to: a.destinationId, association: a });
    if (query.direction !== 'Descendants') steps.push({ from: a.destinationId, to: a.sourceId, association: a });
  }
  const isVisible = (id: number): boolean => {
    const e = byId.get(id);
    return e !== undefined && referenceCanSee(viewer, e);
  };

  const reach: Set<number>[] = [new Set(query.startIds)];
  for (let k = 1; k <= D; k++) {
    const prev = reach[k - 1] as Set<number>;
    reach.push(new Set(steps.filter((s) => prev.has(s.from) && isVisible(s.to)).map((s) => s.to)));
  }
  const depthOf = (id: number): number | undefined => {
    for (let k = 0; k <= D; k++) if ((reach[k] as Set<number>).has(id)) return k;
    return undefined;
  };
  const visited = entities.filter((e) => depthOf(e.id) !== undefined);
  const matches = (e: ReferenceEntity): boolean =>
    matchesAttributes(query.filters, {
      lineageType: lineageTypeOf(e.kind),
      type: vertexTypeOf(e.kind, e.type),
      createdAt: e.createdAt,
      modifiedAt: e.modifiedAt,
    }) && matchesProperties(query.filters, e.properties);
  const matched = new Set(visited.filter(matches).map((e) => e.id));

  let returned: ReferenceEntity[];
  let onPath: { from: number; to: number; association: ReferenceAssociation }[] = [];
  if (!query.includeEdges) {
    returned = visited.filter((e) => matched.has(e.id));
  } else {
    const lead: Set<number>[] = [matched];
    for (let k = 1; k <= D; k++) {
      const prev = lead[k - 1] as Set<number>;
      lead.push(new Set(steps.filter((s) => prev.has(s.to) && isVisible(s.from)).map((s) => s.from)));
    }
    const within = (u: number, v: number, extra: number): boolean => {
      for (let a = 0; a <= D; a++) {
        for (let b = 0; a + extra + b <= D; b++) {
          if ((reach[a] as Set<number>).has(u) && (lead[b] as Set<number>).has(v)) return true;
        }
      }
      return false;
    };
    returned = visited.filter((e) => within(e.id, e.id, 0));
    onPath = steps.filter((s) => within(s.from, s.to, 1));
  }

  const vertices: AnswerVertex[] = returned
    .filter((e) => lineageTypeOf(e.kind) !== undefined)
    .map((e) => ({
      id: e.id,
      arn: e.arn,
      depth: depthOf(e.id) as number,
      type: vertexTypeOf(e.kind, e.type),
      lineageType: lineageTypeOf(e.kind) as NonNullable<ReturnType<typeof lineageTypeOf>>,
    }))
    .sort(compareVertices);
  const position = new Map(vertices.map((v, i) => [v.id, i]));
  const edges = new Map<ReferenceAssociation, AnswerEdge>();
  for (const s of onPath) {
    const a = s.association;
    const from = position.get(a.sourceId);
    const to = position.get(a.destinationId);
    if (from === undefined || to === undefined) continue;
    edges.set(a, {
      sourceArn: (byId.get(a.sourceId) as ReferenceEntity).arn,
      destinationArn: (byId.get(a.destinationId) as ReferenceEntity).arn,
      type: a.type,
      owner: Math.max(from, to),
    });
  }
  return { vertices, edges: [...edges.values()].sort(compareEdges) };
}
