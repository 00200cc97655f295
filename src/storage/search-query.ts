/**
 * Search as the store sees it: documents flattened into leaves, and a typed, already validated
 * condition tree over them. The API layer turns SageMaker's SearchExpression into this (it knows
 * the property names of each resource); the store only matches and sorts.
 *
 * This file also holds the reference evaluator: a plain, obviously correct filter-and-sort over
 * documents in memory. The SQL engine must return exactly what it returns (property tests), and
 * benchmarks use it as the naive baseline.
 */
import type { Scope } from '../core/arn.js';

/**
 * One searchable value of a document: `path` is the property name a filter uses (e.g.
 * `Metrics.loss.Max`), `elem` the index of the list element it belongs to (0 outside lists), and
 * exactly one of `num` (numbers, and timestamps as epoch seconds) and `str` is set.
 */
export interface SearchLeaf {
  readonly path: string;
  readonly elem: number;
  readonly num: number | null;
  readonly str: string | null;
}

/** What a searchable resource stores for one instance: its SearchRecord and its leaves. */
export interface SearchDocument {
  readonly arn: string;
  readonly scope: Scope;
  /** The Search `Resource` type, e.g. `ExperimentTrialComponent`. */
  readonly resource: string;
  /** The SearchRecord returned for it, already in wire shape. */
  readonly record: Readonly<Record<string, unknown>>;
  readonly leaves: readonly SearchLeaf[];
}

/** Which leaves a predicate looks at: one path, or (subtree) the path and everything below it. */
export interface PathTarget {
  readonly path: string;
  readonly subtree: boolean;
}

export type CompareOp = '>' | '>=' | '<' | '<=';

export type ValueTest =
  | { readonly kind: 'exists' }
  /** Equal to the number (numeric leaves) or to the string (text leaves); either may be absent. */
  | { readonly kind: 'equals'; readonly num?: number; readonly str?: string }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly num: number }
  | { readonly kind: 'contains'; readonly str: string }
  | { readonly kind: 'in'; readonly strs: readonly string[] };

export interface Predicate {
  readonly target: PathTarget;
  readonly test: ValueTest;
}

export type Condition =
  | { readonly kind: 'all'; readonly terms: readonly Condition[] }
  | { readonly kind: 'any'; readonly terms: readonly Condition[] }
  | { readonly kind: 'not'; readonly term: Condition }
  | { readonly kind: 'leaf'; readonly predicate: Predicate }
  /** Every predicate holds for the same element of the list property `list`. */
  | { readonly kind: 'nested'; readonly list: string; readonly predicates: readonly Predicate[] };

export interface SearchSort {
  /** A leaf path; documents without it sort last in either order. */
  readonly path: string;
  readonly type: 'num' | 'str';
  readonly ascending: boolean;
}

/** Position after the last hit of a page: its sort value (null when it had none) and document id. */
export interface SearchCursor {
  readonly value: number | string | null;
  readonly docId: number;
}

export interface SearchQuery {
  readonly scope: Scope;
  readonly resource: string;
  readonly condition: Condition;
  readonly sort: SearchSort;
  readonly after?: SearchCursor;
  readonly limit: number;
  /** Forces one of the engine's plans (tests and benchmarks); by default it picks by selectivity. */
  readonly plan?: 'candidates' | 'walk' | 'bounded';
}

export interface SearchHit {
  readonly docId: number;
  readonly arn: string;
  readonly record: Record<string, unknown>;
  readonly sortValue: number | string | null;
}

export const MATCH_EVERYTHING: Condition = { kind: 'all', terms: [] };

// ---- The reference evaluator ----

export function targets(target: PathTarget, path: string): boolean {
  return path === target.path || (target.subtree && path.startsWith(`${target.path}.`));
}

export function leafPasses(test: ValueTest, leaf: SearchLeaf): boolean {
  switch (test.kind) {
    case 'exists':
      return true;
    case 'equals':
      return (leaf.num !== null && leaf.num === test.num) || (leaf.str !== null && leaf.str === test.str);
    case 'compare':
      if (leaf.num === null) return false;
      if (test.op === '>') return leaf.num > test.num;
      if (test.op === '>=') return leaf.num >= test.num;
      if (test.op === '<') return leaf.num < test.num;
      return leaf.num <= test.num;
    case 'contains':
      return leaf.str !== null && leaf.str.includes(test.str);
    case 'in':
      return leaf.str !== null && test.strs.includes(leaf.str);
  }
}

function predicateHolds(p: Predicate, leaves: readonly SearchLeaf[], elem?: number): boolean {
  return leaves.some((l) => (elem === undefined || l.elem === elem) && targets(p.target, l.path) && leafPasses(p.test, l));
}

export function matches(condition: Condition, leaves: readonly SearchLeaf[]): boolean {
  switch (condition.kind) {
    case 'all':
      return condition.terms.every((t) => matches(t, leaves));
    case 'any':
      return condition.terms.some((t) => matches(t, leaves));
    case 'not':
      return !matches(condition.term, leaves);
    case 'leaf':
      return predicateHolds(condition.predicate, leaves);
    case 'nested': {
      const elems = new Set(leaves.filter((l) => l.path.startsWith(`${condition.list}.`)).map((l) => l.elem));
      return [...elems].some((e) => condition.predicates.every((p) => predicateHolds(p, leaves, e)));
    }
  }
}

/** A document's sort key: the smallest value at the sort path when ascending, the largest when descending. */
export function sortValueOf(sort: SearchSort, leaves: readonly SearchLeaf[]): number | string | null {
  let best: number | string | null = null;
  for (const l of leaves) {
    if (l.path !== sort.path) continue;
    const v = sort.type === 'num' ? l.num : l.str;
    if (v === null) continue;
    if (best === null || (sort.ascending ? v < best : v > best)) best = v;
  }
  return best;
}

/**
 * Orders hits: by sort value in the requested direction, documents without one last, ties (and
 * the value-less) by document id in the same direction. Negative when `a` comes first.
 */
export function compareHits(
  sort: SearchSort,
  a: { value: number | string | null; docId: number },
  b: { value: number | string | null; docId: number },
): number {
  const dir = sort.ascending ? 1 : -1;
  if (a.value === null || b.value === null) {
    if (a.value !== null) return -1;
    if (b.value !== null) return 1;
  } else if (a.value !== b.value) {
    return a.value < b.value ? -dir : dir;
  }
  return a.docId === b.docId ? 0 : a.docId < b.docId ? -dir : dir;
}

export interface ReferenceDocument {
  readonly docId: number;
  readonly leaves: readonly SearchLeaf[];
}

/** The naive engine: evaluate every document, sort all matches, cut the page. */
export function referenceSearch(
  documents: readonly ReferenceDocument[],
  condition: Condition,
  sort: SearchSort,
  after: SearchCursor | undefined,
  limit: number,
): { docId: number; value: number | string | null }[] {
  const hits = documents
    .filter((d) => matches(condition, d.leaves))
    .map((d) => ({ docId: d.docId, value: sortValueOf(sort, d.leaves) }))
    .sort((a, b) => compareHits(sort, a, b));
  const start = after ? hits.filter((h) => compareHits(sort, h, after) > 0) : hits;
  return start.slice(0, limit);
}
