/**
 * What the SQLite writer remembers between transactions, so the hottest write path (creating an
 * entity) skips two statements: the account's lineage group, once it is known to exist, and the
 * lineage shares of an account, which change only on a grant or a revoke.
 *
 * This is sound only on the writer connection of the one process that owns the database (the lock
 * file guarantees that): every change to these tables goes through it. Anything a transaction may
 * have left uncommitted is forgotten when a transaction or a batch rolls back, and the shares are
 * forgotten on every grant and revoke, before the change is visible to anyone.
 */
import type { LineageShareRecord } from '../../core/model.js';

export class WriterCache {
  private readonly groups = new Set<string>();
  private readonly shares = new Map<string, readonly LineageShareRecord[]>();

  private static key(...parts: string[]): string {
    return parts.join('\u0000');
  }

  hasGroup(account: string, region: string, name: string): boolean {
    return this.groups.has(WriterCache.key(account, region, name));
  }

  rememberGroup(account: string, region: string, name: string): void {
    this.groups.add(WriterCache.key(account, region, name));
  }

  sharesOf(account: string, region: string): readonly LineageShareRecord[] | undefined {
    return this.shares.get(WriterCache.key(account, region));
  }

  rememberShares(account: string, region: string, shares: readonly LineageShareRecord[]): void {
    this.shares.set(WriterCache.key(account, region), shares);
  }

  /** A grant or a revoke: any account's list may have changed. */
  forgetShares(): void {
    this.shares.clear();
  }

  /** A rollback: what was read or written since the last commit may not be there any more. */
  forgetAll(): void {
    this.groups.clear();
    this.shares.clear();
  }
}
