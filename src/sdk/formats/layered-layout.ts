/**
 * A small layered layout for static exports (the HTML page): each vertex in the column of its
 * longest path from a root (cycles broken by visiting order), rows ordered by the mean row of
 * their predecessors. The web explorer uses ELK instead; this one needs no dependency.
 */
import type { GraphView } from './graph-view.js';

export interface Placed {
  readonly arn: string;
  readonly column: number;
  readonly row: number;
}

export function layeredLayout(view: Pick<GraphView, 'vertices' | 'edges'>): Map<string, Placed> {
  const arns = view.vertices.map((v) => v.arn);
  const known = new Set(arns);
  const preds = new Map<string, string[]>(arns.map((a) => [a, []]));
  const succs = new Map<string, string[]>(arns.map((a) => [a, []]));
  for (const e of view.edges) {
    if (!known.has(e.sourceArn) || !known.has(e.destinationArn) || e.sourceArn === e.destinationArn) continue;
    preds.get(e.destinationArn)?.push(e.sourceArn);
    succs.get(e.sourceArn)?.push(e.destinationArn);
  }
  // Kahn's order; whatever a cycle leaves behind is appended in input order.
  const indegree = new Map(arns.map((a) => [a, preds.get(a)?.length ?? 0]));
  const order: string[] = [];
  const queue = arns.filter((a) => indegree.get(a) === 0);
  const done = new Set<string>();
  while (order.length < arns.length) {
    if (queue.length === 0) queue.push(arns.find((a) => !done.has(a)) as string);
    const a = queue.shift() as string;
    if (done.has(a)) continue;
    done.add(a);
    order.push(a);
    for (const s of succs.get(a) ?? []) {
      const n = (indegree.get(s) ?? 0) - 1;
      indegree.set(s, n);
      if (n === 0) queue.push(s);
    }
  }
  const column = new Map<string, number>();
  for (const a of order) {
    let c = 0;
    for (const p of preds.get(a) ?? []) if (done.has(p) && column.has(p)) c = Math.max(c, (column.get(p) ?? 0) + 1);
    column.set(a, c);
  }
  const columns = new Map<number, string[]>();
  for (const a of order) {
    const c = column.get(a) ?? 0;
    columns.set(c, [...(columns.get(c) ?? []), a]);
  }
  const row = new Map<string, number>();
  const placed = new Map<string, Placed>();
  for (const c of [...columns.keys()].sort((x, y) => x - y)) {
    const members = columns.get(c) ?? [];
    const weight = (a: string): number => {
      const rows = (preds.get(a) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length === 0 ? Number.POSITIVE_INFINITY : rows.reduce((s, r) => s + r, 0) / rows.length;
    };
    const sorted = members.map((a, i) => ({ a, i, w: weight(a) })).sort((x, y) => x.w - y.w || x.i - y.i);
    sorted.forEach(({ a }, r) => {
      row.set(a, r);
      placed.set(a, { arn: a, column: c, row: r });
    });
  }
  return placed;
}
