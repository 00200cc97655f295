/**
 * Turns a SearchRecord into the leaves the search projection indexes. Objects and maps nest with
 * dots; two kinds of list are special:
 * - keyed lists become maps by one of their members: `Tags` by `Key` (`Tags.team` = its Value),
 *   `Metrics` by `MetricName` (`Metrics.loss.Max`);
 * - element lists (`Parents`) keep their elements apart with an element index, which nested
 *   filters use to require several conditions of one element.
 * Numbers become numeric leaves (timestamps already are epoch seconds); strings text leaves.
 */
import type { SearchLeaf } from '../../storage/search-query.js';

export interface FlattenRules {
  /** List member → the member of its elements that names them (`Tags` → `Key`). */
  readonly keyedLists?: Readonly<Record<string, { readonly key: string; readonly value?: string }>>;
  /** List members whose elements stay distinguishable for nested filters. */
  readonly elementLists?: readonly string[];
}

export function flattenRecord(record: Readonly<Record<string, unknown>>, rules: FlattenRules): SearchLeaf[] {
  const leaves: SearchLeaf[] = [];
  const visit = (value: unknown, path: string, elem: number): void => {
    if (value === undefined || value === null) return;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) leaves.push({ path, elem, num: value, str: null });
    } else if (typeof value === 'string') {
      leaves.push({ path, elem, num: null, str: value });
    } else if (typeof value === 'boolean') {
      leaves.push({ path, elem, num: null, str: String(value) });
    } else if (Array.isArray(value)) {
      // Other lists: element by element, like element lists (one leaf per path and element).
      value.forEach((item, i) => visit(item, path, elem === 0 ? i : elem));
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(v, `${path}.${k}`, elem);
    }
  };
  for (const [member, value] of Object.entries(record)) {
    const keyed = rules.keyedLists?.[member];
    if (keyed && Array.isArray(value)) {
      for (const item of value as Record<string, unknown>[]) {
        const key = item[keyed.key];
        if (typeof key !== 'string') continue;
        if (keyed.value !== undefined) {
          visit(item[keyed.value], `${member}.${key}`, 0);
        } else {
          for (const [k, v] of Object.entries(item)) if (k !== keyed.key) visit(v, `${member}.${key}.${k}`, 0);
        }
      }
    } else if (rules.elementLists?.includes(member) && Array.isArray(value)) {
      value.forEach((item, i) => visit(item, member, i));
    } else {
      visit(value, member, 0);
    }
  }
  return distinctLeaves(leaves);
}

/**
 * The projection stores one leaf per path and element. Some records name a path twice: a list
 * nested in the second or later element of another list (its items all inherit that element), a
 * map key with a dot beside a nested map (`{"a.b": 1, "a": {"b": 2}}`), two tags with one key.
 * Each later leaf on a taken (path, element) moves to the next free element of its path, so every
 * value stays searchable and the write never fails on the projection's key.
 */
function distinctLeaves(leaves: SearchLeaf[]): SearchLeaf[] {
  const taken = new Map<string, Set<number>>();
  let moved = false;
  const out = leaves.map((leaf) => {
    let elems = taken.get(leaf.path);
    if (!elems) {
      elems = new Set();
      taken.set(leaf.path, elems);
    }
    let elem = leaf.elem;
    while (elems.has(elem)) elem++;
    elems.add(elem);
    if (elem === leaf.elem) return leaf;
    moved = true;
    return { ...leaf, elem };
  });
  return moved ? out : leaves;
}
