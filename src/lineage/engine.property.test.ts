import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdgeList, LineageIndex } from '../storage/lineage-index.js';
import type { LineageGraph, LineageVertex } from '../storage/lineage-graph.js';
import { randomCase } from '../../test/random-lineage.js';
import type { RandomCase } from '../../test/random-lineage.js';
import { evaluateLineage } from './engine.js';
import { pageOf } from './page.js';
import type { LineagePosition } from './page.js';
import type { AnswerEdge, AnswerVertex, LineageAnswer } from './query.js';
import { referenceLineage } from './reference.js';
import { canRead } from './visibility.js';

/**
 * The in-memory index as the engine sees it. Half the associations are loaded into the CSR arrays
 * and the rest arrive through the overlay (with some deleted and re-added), so both paths of the
 * index are exercised; at split 0.5 the overlay is then compacted.
 */
function indexedGraph(c: RandomCase, split: number): LineageGraph {
  const base = new EdgeList();
  const index = LineageIndex.build(
    c.entities.map((e) => ({ ...e, region: 'us-east-1' })),
    base,
  );
  const cut = Math.floor(c.associations.length * split);
  const early = c.associations.slice(0, cut);
  for (const a of early) base.push(a.sourceId, a.destinationId, index.edgeTypeCode(a.type));
  index.loadAssociations(base);
  for (const [i, a] of c.associations.slice(cut).entries()) {
    index.setEdge(a.sourceId, a.destinationId, i % 3 === 0 ? 'SameAs' : a.type);
    if (i % 3 === 0) index.removeEdge(a.sourceId, a.destinationId);
    if (i % 3 === 0) index.setEdge(a.sourceId, a.destinationId, a.type);
  }
  // Delete and re-create a base association: it must come back with its type.
  const first = early[0];
  if (first) {
    index.removeEdge(first.sourceId, first.destinationId);
    index.setEdge(first.sourceId, first.destinationId, first.type);
  }
  // Folding the overlay back into CSR arrays must change nothing.
  if (split === 0.5) index.compact();
  const properties = new Map(c.entities.map((e) => [e.id, e.properties]));
  return {
    lineageIdsOf: (arns) => new Map(c.entities.filter((e) => arns.includes(e.arn)).map((e) => [e.arn, e.id])),
    lineageHops: (ids, direction) => index.hops(ids, direction),
    lineageVertices: (ids) => index.vertices(ids),
    lineageProperties: (ids) => new Map(ids.map((id) => [id, properties.get(id) ?? {}])),
  };
}

/** The engine's visibility is the API's rule (visibility.ts), over the case's grants. */
function visibleTo(c: RandomCase): (v: LineageVertex) => boolean {
  const access = { scope: { account: c.viewer.account, region: 'us-east-1' }, sharedWithCaller: c.viewer.sharedWithCaller };
  return (v) => canRead(v, access);
}

async function engineAnswer(c: RandomCase, split: number): Promise<LineageAnswer> {
  const graph = indexedGraph(c, split);
  const starts = await graph.lineageVertices(c.query.startIds);
  return evaluateLineage(graph, c.query, starts, visibleTo(c));
}

/** Reads every page as a client would, following positions until there is none. */
function allPages(answer: LineageAnswer, pageSize: number): { vertices: AnswerVertex[]; edges: AnswerEdge[]; pages: number } {
  const vertices: AnswerVertex[] = [];
  const edges: AnswerEdge[] = [];
  let after: LineagePosition | undefined;
  let pages = 0;
  do {
    const page = pageOf(answer, after, pageSize);
    pages++;
    const onPage = new Set(page.vertices.map((v) => v.arn));
    for (const e of page.edges) {
      // An edge sits on the page of its later-discovered endpoint, so that endpoint is on this page.
      const later = answer.vertices[e.owner] as AnswerVertex;
      expect(onPage.has(later.arn)).toBe(true);
    }
    vertices.push(...page.vertices);
    edges.push(...page.edges);
    after = page.next;
    if (after) expect(page.vertices.length).toBe(pageSize);
  } while (after);
  return { vertices, edges, pages };
}

describe('the lineage engine, against the reference evaluator on random graphs', () => {
  it('returns exactly the reference answer for every direction, depth, filter and edge option', async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, fc.constantFrom(0, 0.5, 0.7, 1), async (c, split) => {
        const expected = referenceLineage(c.entities, c.associations, c.query, c.viewer);
        expect(await engineAnswer(c, split)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('pages add up to the unpaged answer, each vertex and edge exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, async (c) => {
        const answer = await engineAnswer(c, 1);
        const paged = allPages(answer, c.pageSize ?? 10_000);
        expect(paged.vertices).toEqual(answer.vertices);
        expect(paged.edges).toEqual(answer.edges);
        expect(new Set(paged.edges.map((e) => `${e.sourceArn} ${e.destinationArn}`)).size).toBe(paged.edges.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts the same pages when told which page is wanted (and may stop the traversal early)', async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, async (c) => {
        const whole = await engineAnswer(c, 1);
        const limit = c.pageSize ?? 3;
        const graph = indexedGraph(c, 1);
        const starts = await graph.lineageVertices(c.query.startIds);
        let after: LineagePosition | undefined;
        do {
          const expected = pageOf(whole, after, limit);
          const hinted = await evaluateLineage(graph, c.query, starts, visibleTo(c), { after, limit });
          expect(pageOf(hinted, after, limit)).toEqual(expected);
          after = expected.next;
        } while (after);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every returned edge between returned vertices, and vertices at most MaxDepth deep', async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, async (c) => {
        const answer = await engineAnswer(c, 0.5);
        const arns = new Set(answer.vertices.map((v) => v.arn));
        for (const e of answer.edges) {
          expect(arns.has(e.sourceArn) && arns.has(e.destinationArn)).toBe(true);
        }
        for (const v of answer.vertices) expect(v.depth).toBeLessThanOrEqual(c.query.maxDepth);
        if (!c.query.includeEdges) expect(answer.edges).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
