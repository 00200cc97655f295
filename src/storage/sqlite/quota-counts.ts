/**
 * The writer's quota usage counts, kept in memory and written once per commit batch.
 *
 * Every manually created entity and association changes a count (api/quotas.ts), which was one
 * UPSERT per create. A batch changes one count per account, region and kind it touches, so
 * writing them once per commit saves an UPSERT for every repeat within the batch. The writer is
 * the only connection that changes `quota_usage` (the process lock guarantees one writer
 * process), so once it has read a count it knows every later value: it checks the limit against
 * that, and just before the batch's COMMIT writes the counts the batch changed, in the same
 * transaction. A count is read from the database the first time it is needed, and again after a
 * failed commit, which forgets them all.
 *
 * A transaction undone inside its batch (ROLLBACK TO its savepoint) takes its changes back with
 * {@link QuotaCounts.rollbackTo}, so the counts stay exactly those of the committed data plus the
 * batch's surviving transactions.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Scope } from '../../core/arn.js';
import type { QuotaResource } from '../../core/model.js';

interface Counted {
  readonly account: string;
  readonly region: string;
  readonly resource: QuotaResource;
  used: number;
  /** Changed since the last commit. */
  dirty: boolean;
}

/** One change, to undo: the count's value and state before it. */
type Undo = readonly [counted: Counted, used: number, dirty: boolean];

/** A committed count, as the reader connection also reads it. */
export const QUOTA_USAGE_SQL = 'SELECT used FROM quota_usage WHERE account = ? AND region = ? AND resource = ?';

export class QuotaCounts {
  private readonly counts = new Map<string, Counted>();
  private undo: Undo[] = [];
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(writer: Database) {
    this.select = writer.prepare(QUOTA_USAGE_SQL).pluck();
    this.upsert = writer.prepare(
      `INSERT INTO quota_usage (account, region, resource, used) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, region, resource) DO UPDATE SET used = excluded.used`,
    );
  }

  /** The count as of the writer's transaction: committed plus the open batch's changes. */
  usage(scope: Scope, resource: QuotaResource): number {
    return this.counted(scope, resource).used;
  }

  /**
   * Adds `delta` (never below zero) unless the result would exceed `limit` (null: no limit);
   * answers whether it did. Matches the single UPSERT it replaces, row for row.
   */
  adjust(scope: Scope, resource: QuotaResource, delta: number, limit: number | null): boolean {
    const counted = this.counted(scope, resource);
    if (limit !== null && counted.used + delta > limit) return false;
    this.undo.push([counted, counted.used, counted.dirty]);
    counted.used = Math.max(counted.used + delta, 0);
    counted.dirty = true;
    return true;
  }

  /** Where a transaction starts, to go back to with {@link rollbackTo}. */
  mark(): number {
    return this.undo.length;
  }

  rollbackTo(mark: number): void {
    while (this.undo.length > mark) {
      const [counted, used, dirty] = this.undo.pop() as Undo;
      counted.used = used;
      counted.dirty = dirty;
    }
  }

  /** Writes the counts the batch changed; runs inside the batch's transaction, before COMMIT. */
  flush(): void {
    for (const c of this.counts.values()) {
      if (!c.dirty) continue;
      this.upsert.run(c.account, c.region, c.resource, c.used);
      c.dirty = false;
    }
    this.undo = [];
  }

  /** After a failed commit, or writes this does not see (a bulk import): read every count again. */
  forgetAll(): void {
    this.counts.clear();
    this.undo = [];
  }

  private counted(scope: Scope, resource: QuotaResource): Counted {
    const key = `${scope.account}\u0000${scope.region}\u0000${resource}`;
    let counted = this.counts.get(key);
    if (!counted) {
      const used = (this.select.get(scope.account, scope.region, resource) as number | undefined) ?? 0;
      counted = { account: scope.account, region: scope.region, resource, used, dirty: false };
      this.counts.set(key, counted);
    }
    return counted;
  }
}
