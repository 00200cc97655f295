import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract, entity } from '../store.contract.js';
import { StoreLocked } from '../store.js';
import type { StoreTx } from '../store.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteStore, WRITER_CACHE_KIB } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'stemma-sqlite-'));
let n = 0;
// A store's last file writes (WAL, lock) can land while the directory is being removed; retry as rm -r would.
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));

describeStoreContract('sqlite', () => Promise.resolve(SqliteStore.open({ path: join(dir, `contract-${n++}.db`) })));

describe('SqliteStore', () => {
  it('keeps data across close and reopen, without an integrity check after a clean close', async () => {
    const path = join(dir, 'reopen.db');
    const first = SqliteStore.open({ path });
    await first.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:kept' })));
    await first.close();
    let recovered = false;
    const second = SqliteStore.open({ path, onRecovery: () => (recovered = true) });
    expect(await second.read((r) => r.getEntityByArn('arn:kept'))).toBeDefined();
    expect(recovered).toBe(false);
    await second.close();
  });

  it('refuses a second open of the same database while the first is open', async () => {
    const path = join(dir, 'locked.db');
    const first = SqliteStore.open({ path });
    expect(() => SqliteStore.open({ path })).toThrow(StoreLocked);
    await first.close();
    const again = SqliteStore.open({ path });
    await again.close();
  });

  it('runs the integrity check when the last process did not close the store', async () => {
    const path = join(dir, 'crashed.db');
    const first = SqliteStore.open({ path });
    await first.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:before-crash' })));
    // Simulate a crash: release the file without the clean-close marker.
    first.abandon();
    let result = '';
    const second = SqliteStore.open({ path, onRecovery: (r) => (result = r) });
    expect(result).toBe('ok');
    expect(await second.read((r) => r.getEntityByArn('arn:before-crash'))).toBeDefined();
    await second.close();
  });

  it('gives the writer a small page cache, and a bulk import a large one only while it runs', async () => {
    const store = SqliteStore.open({ path: join(dir, 'cache.db') });
    const writerCache = (): number => store.database.pragma('cache_size', { simple: true }) as number;
    expect(writerCache()).toBe(-WRITER_CACHE_KIB);
    const during = await store.bulkWrite(() => writerCache());
    expect(during).toBeLessThan(-WRITER_CACHE_KIB);
    expect(writerCache()).toBe(-WRITER_CACHE_KIB);
    await expect(store.bulkWrite(() => { throw new Error('import failed'); })).rejects.toThrow('import failed');
    expect(writerCache()).toBe(-WRITER_CACHE_KIB);
    await store.close();
  });

  it.each([
    [2, [true, true]],
    [256, [false, false]],
  ])('with commits of up to %i writes, tells whether a burst\'s first writes are committed before its third runs', async (commitBatch, seen) => {
    const store = SqliteStore.open({ path: join(dir, `batch-${commitBatch}.db`), commitBatch });
    let seenByThird: boolean[] = [];
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        store.transaction(async (tx) => {
          if (i === 2) seenByThird = await store.read(async (r) => [!!(await r.getEntityByArn('arn:burst:0')), !!(await r.getEntityByArn('arn:burst:1'))]);
          await tx.insertEntity(entity({ arn: `arn:burst:${i}` }));
        }),
      ),
    );
    await store.close();
    expect(seenByThird).toEqual(seen);
  });

  it('rewinds the WAL itself once a background checkpoint reports it long', async () => {
    const path = join(dir, 'rewind.db');
    const store = SqliteStore.open({ path, walRestartPages: 64 });
    // SQLite draws new salts in the WAL header each time it starts the WAL over.
    const salts = (): string => readFileSync(`${path}-wal`).subarray(16, 24).toString('hex');
    for (let i = 0; i < 40; i++) await store.transaction((tx) => tx.insertEntity(entity({ arn: `arn:rewind:${i}` })));
    const before = salts();
    // As the worker reports after a checkpoint that could not catch up with the commits.
    await store.checkpointed({ log: 1_000, checkpointed: 900 });
    await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:after-rewind' })));
    const after = salts();
    const kept = await store.read((r) => r.getEntityByArn('arn:rewind:39'));
    await store.close();
    expect(after).not.toBe(before);
    expect(kept).toBeDefined();
  });

  it('applies a migration missing below the highest applied one', async () => {
    const path = join(dir, 'gap.db');
    await SqliteStore.open({ path }).close();
    // Undo migration 2 (the lineage change log) while 1 and 3 stay applied.
    const raw = new Database(path);
    for (const t of ['entity_inserted', 'entity_updated', 'entity_deleted', 'association_inserted', 'association_updated', 'association_deleted']) {
      raw.exec(`DROP TRIGGER IF EXISTS lineage_${t}`);
    }
    raw.exec('DROP TABLE lineage_changes; DELETE FROM schema_migrations WHERE id = 2');
    raw.close();
    await SqliteStore.open({ path }).close();
    const check = new Database(path, { readonly: true });
    const ids = (check.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const table = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'lineage_changes'").get();
    check.close();
    expect(ids).toEqual(SQLITE_MIGRATIONS.map((m) => m.id));
    expect(table).toBeDefined();
  });
  describe('logs inserts for the lineage index once per commit batch', () => {
    const user = { IamIdentity: { PrincipalId: 'test' } };
    const association = (sourceId: number, destinationId: number) =>
      ({ sourceId, destinationId, type: 'DerivedFrom', scope: { account: '000000000000', region: 'us-east-1' }, createdAt: 1, createdBy: user, automatic: false }) as const;
    const logOf = (path: string): { op: number; a: number; b: number | null }[] => {
      const raw = new Database(path, { readonly: true });
      try {
        return raw.prepare('SELECT op, a, b FROM lineage_changes WHERE op >= 5 ORDER BY seq').all() as { op: number; a: number; b: number | null }[];
      } finally {
        raw.close();
      }
    };

    it('has no insert triggers left: the store writes those rows itself', async () => {
      const path = join(dir, 'insert-triggers.db');
      await SqliteStore.open({ path }).close();
      const raw = new Database(path, { readonly: true });
      const triggers = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      raw.close();
      expect(triggers).toEqual(['lineage_association_deleted', 'lineage_association_updated', 'lineage_entity_deleted', 'lineage_entity_updated']);
    });

    it('writes the ranges of ids the batch inserted, without those of a transaction undone at its end', async () => {
      const path = join(dir, 'insert-log.db');
      const store = SqliteStore.open({ path, commitBatch: 8 });
      const kept = store.transaction(async (tx) => {
        const a = await tx.insertEntity(entity({ arn: 'arn:log:a' }));
        const b = await tx.insertEntity(entity({ arn: 'arn:log:b' }));
        await tx.insertAssociation(association(a.id, b.id));
        return [a.id, b.id];
      });
      const later = store.transaction(async (tx) => (await tx.insertEntity(entity({ arn: 'arn:log:later' }))).id);
      const undone = store.transaction(async (tx) => {
        const x = await tx.insertEntity(entity({ arn: 'arn:log:undone' }));
        await tx.insertAssociation(association(x.id, x.id - 1));
        throw new Error('fails after its inserts');
      });
      const [[a], c] = await Promise.all([kept, later, undone.catch(() => undefined)]);
      await store.close();
      // Rows 5 and 6: every entity / association id in [a, b] was inserted by the batch.
      expect(logOf(path)).toEqual([
        { op: 5, a, b: c },
        { op: 6, a: 1, b: 1 },
      ]);
    });

    it('shows a committed insert to a lineage index that was built before it', async () => {
      const path = join(dir, 'insert-index.db');
      const store = SqliteStore.open({ path, lineageIndex: 'eager' });
      await store.lineage.whenBuilt();
      const [a, b] = await store.transaction(async (tx) => {
        const ids = [(await tx.insertEntity(entity({ arn: 'arn:idx:a' }))).id, (await tx.insertEntity(entity({ arn: 'arn:idx:b' }))).id] as const;
        await tx.insertAssociation(association(ids[0], ids[1]));
        return ids;
      });
      const seen = await store.read(async (r) => {
        const graph = r.lineageGraph();
        return { hops: await graph.lineageHops([a], 'out'), vertices: (await graph.lineageVertices([b])).map((v) => v.arn) };
      });
      expect(store.lineage.ready).toBe(true);
      await store.close();
      expect(seen.hops).toEqual([{ sourceId: a, destinationId: b, type: 'DerivedFrom' }]);
      expect(seen.vertices).toEqual(['arn:idx:b']);
    });
  });

  describe('keeps quota counts on the writer and writes them once per commit batch', () => {
    const scope = { account: '333333333333', region: 'us-east-1' };
    const storedUsage = (path: string): number | undefined => {
      const raw = new Database(path, { readonly: true });
      try {
        return raw.prepare("SELECT used FROM quota_usage WHERE account = ? AND resource = 'context'").pluck().get(scope.account) as number | undefined;
      } finally {
        raw.close();
      }
    };

    it('enforces the limit across the transactions of one batch, each seeing those before it', async () => {
      const path = join(dir, 'quota-batch.db');
      const store = SqliteStore.open({ path, commitBatch: 8 });
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.transaction(async (tx) => {
            const before = await tx.quotaUsage(scope, 'context');
            return { before, allowed: await tx.adjustQuotaUsage(scope, 'context', 1, 3) };
          }),
        ),
      );
      expect(outcomes).toEqual([
        { before: 0, allowed: true },
        { before: 1, allowed: true },
        { before: 2, allowed: true },
        { before: 3, allowed: false },
        { before: 3, allowed: false },
      ]);
      expect(await store.read((r) => r.quotaUsage(scope, 'context'))).toBe(3);
      await store.close();
      expect(storedUsage(path)).toBe(3);
    });

    it('reads the counts again after a batch fails to commit', async () => {
      const path = join(dir, 'quota-failed-commit.db');
      const store = SqliteStore.open({ path });
      await store.transaction((tx) => tx.adjustQuotaUsage(scope, 'context', 2, null));
      // The batch's last statement before COMMIT writes the counts: make it fail once.
      store.database.exec("CREATE TRIGGER refuse BEFORE UPDATE ON quota_usage BEGIN SELECT RAISE(ABORT, 'no space left'); END");
      await expect(store.transaction((tx) => tx.adjustQuotaUsage(scope, 'context', 5, null))).rejects.toThrow('no space left');
      store.database.exec('DROP TRIGGER refuse');
      expect(await store.transaction((tx) => tx.quotaUsage(scope, 'context'))).toBe(2);
      await store.transaction((tx) => tx.adjustQuotaUsage(scope, 'context', 1, null));
      await store.close();
      expect(storedUsage(path)).toBe(3);
    });
  });

  describe('remembers lineage groups and shares on the writer only while they are committed', () => {
    const scope = { account: '111111111111', region: 'us-east-1' };
    const user = { IamIdentity: { PrincipalId: 'test' } };
    const share = { ownerAccount: '222222222222', region: 'us-east-1', granteeAccount: scope.account, grantedAt: 1, grantedBy: user };
    const failing = new Error('the transaction fails after its writes');
    /** Runs `writes` in a transaction that then fails, so all of it rolls back. */
    const rolledBack = (store: SqliteStore, writes: (tx: StoreTx) => Promise<unknown>): Promise<void> =>
      expect(
        store.transaction(async (tx) => {
          await writes(tx);
          throw failing;
        }),
      ).rejects.toBe(failing);

    it('sees a grant and a revoke in the next transaction after the shares were read', async () => {
      const store = SqliteStore.open({ path: join(dir, `cache-${n++}.db`) });
      expect(await store.transaction((tx) => tx.listLineageShares(scope))).toEqual([]);
      await store.transaction((tx) => tx.grantLineageShare(share));
      expect(await store.transaction((tx) => tx.listLineageShares(scope))).toEqual([share]);
      await store.transaction((tx) => tx.revokeLineageShare({ account: share.ownerAccount, region: share.region }, scope.account));
      expect(await store.transaction((tx) => tx.listLineageShares(scope))).toEqual([]);
      await store.close();
    });

    it('forgets a grant that was read and then rolled back', async () => {
      const store = SqliteStore.open({ path: join(dir, `cache-${n++}.db`) });
      await rolledBack(store, async (tx) => {
        await tx.grantLineageShare(share);
        expect(await tx.listLineageShares(scope)).toEqual([share]);
      });
      expect(await store.transaction((tx) => tx.listLineageShares(scope))).toEqual([]);
      await store.close();
    });

    it('creates the lineage group again when the transaction that created it rolled back', async () => {
      const store = SqliteStore.open({ path: join(dir, `cache-${n++}.db`) });
      await rolledBack(store, async (tx) => {
        await tx.ensureLineageGroup(scope, 'g', 1, user);
        await tx.ensureLineageGroup(scope, 'g', 1, user);
      });
      expect(await store.read((r) => r.getLineageGroup(scope, 'g'))).toBeUndefined();
      await store.transaction((tx) => tx.ensureLineageGroup(scope, 'g', 2, user));
      await store.transaction((tx) => tx.ensureLineageGroup(scope, 'g', 3, user));
      expect(await store.read((r) => r.getLineageGroup(scope, 'g'))).toMatchObject({ createdAt: 2 });
      await store.close();
    });
  });
});
