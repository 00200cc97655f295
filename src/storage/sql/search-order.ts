/** Merges the answers of the search statements (sql/search.ts) into one ordered, duplicate-free list. */
import type { EntityRecord } from '../../core/model.js';

function label(e: EntityRecord): string {
  return e.name ?? e.sourceUri ?? e.arn;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function mergeSearchResults(text: string, batches: readonly EntityRecord[][], limit: number): EntityRecord[] {
  const byArn = new Map<string, EntityRecord>();
  for (const batch of batches) for (const e of batch) byArn.set(e.arn, e);
  return [...byArn.values()]
    .sort((a, b) => Number(b.arn === text) - Number(a.arn === text) || compare(label(a), label(b)) || compare(a.arn, b.arn))
    .slice(0, limit);
}
