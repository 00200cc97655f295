import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/postgres-databases.js';
import type { TestDatabase } from '../../../test/postgres-databases.js';
import { ValidationException } from '../../core/errors.js';
import { SQLITE_MIGRATIONS } from '../sqlite/sqlite-migrations.js';
import { describeStoreContract, entity } from '../store.contract.js';
import type { Store } from '../store.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { PostgresStore, redactUrl } from './postgres-store.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

async function database(options: { migrated?: boolean } = {}): Promise<string> {
  const d = await freshDatabase(options);
  databases.push(d);
  return d.url;
}

describeStoreContract('postgres', async () => PostgresStore.open({ url: await database() }));

async function withStore<T>(url: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await PostgresStore.open({ url });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgresStore', () => {
  it('has a migration for every SQLite migration, under the same ids', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => m.id)).toEqual(SQLITE_MIGRATIONS.map((m) => m.id));
  });

  it('migrates an empty database exactly once when several replicas start together', async () => {
    const url = await database({ migrated: false });
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open({ url })));
    await Promise.all(stores.map((s) => s.close()));
    const applied = await sql<{ id: number }>(url, 'SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.map((r) => r.id)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.id));
  });

  it('refuses a database migrated by a newer Stemma', async () => {
    const url = await database();
    await sql(url, "INSERT INTO schema_migrations (id, name, applied_at) VALUES (999, 'from the future', 0)");
    await expect(PostgresStore.open({ url })).rejects.toThrow(/schema version 999, newer than this Stemma knows/);
  });

  it('applies a migration missing below the highest applied one', async () => {
    const url = await database();
    // Undo migration 2 (the traversal indexes) while 1 and 3 stay applied.
    await sql(url, 'DROP INDEX associations_out; DROP INDEX associations_in; DELETE FROM schema_migrations WHERE id = 2');
    await withStore(url, () => Promise.resolve());
    const applied = await sql<{ id: number }>(url, 'SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.map((r) => r.id)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.id));
    const indexes = await sql<{ indexname: string }>(
      url,
      "SELECT indexname FROM pg_indexes WHERE indexname IN ('associations_in', 'associations_out') ORDER BY indexname",
    );
    expect(indexes.map((r) => r.indexname)).toEqual(['associations_in', 'associations_out']);
  });

  it('keeps data across close and reopen', async () => {
    const url = await database();
    await withStore(url, (s) => s.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:kept' }))));
    expect(await withStore(url, (s) => s.read((r) => r.getEntityByArn('arn:kept')))).toMatchObject({ arn: 'arn:kept' });
  });

  it('keeps a transaction usable after a duplicate, as SQLite does', async () => {
    const url = await database();
    await withStore(url, async (store) => {
      await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:dup' })));
      const found = await store.transaction(async (tx) => {
        await expect(tx.insertEntity(entity({ arn: 'arn:dup' }))).rejects.toMatchObject({ constraint: 'entities_arn' });
        await tx.insertEntity(entity({ arn: 'arn:after-dup' }));
        return tx.getEntityByArn('arn:dup');
      });
      expect(found?.arn).toBe('arn:dup');
      expect(await store.read((r) => r.getEntityByArn('arn:after-dup'))).toBeDefined();
    });
  });

  it('reads one snapshot for the whole read, whatever commits meanwhile', async () => {
    const url = await database();
    await withStore(url, async (store) => {
      await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:first' })));
      const seen = await store.read(async (r) => {
        const before = await r.getEntityByArn('arn:second');
        await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:second' })));
        const after = await r.getEntityByArn('arn:second');
        return { before, after, first: await r.getEntityByArn('arn:first') };
      });
      expect(seen.before).toBeUndefined();
      expect(seen.after).toBeUndefined();
      expect(seen.first).toBeDefined();
      expect(await store.read((r) => r.getEntityByArn('arn:second'))).toBeDefined();
    });
  });

  it('orders names and tag keys byte by byte, as SQLite does', async () => {
    const url = await database();
    await withStore(url, async (store) => {
      const names = ['b', 'B', 'a', '_x', 'A', 'a-1', 'a1'];
      await store.transaction(async (tx) => {
        for (const [i, name] of names.entries()) await tx.insertEntity(entity({ arn: `arn:n${i}`, kind: 'context', name }));
        await tx.putTags('arn:t', names.map((n) => ({ Key: n, Value: n })));
      });
      const scope = { account: '111122223333', region: 'us-east-1' };
      const listed = await store.read((r) => r.listEntities({ scope, kind: 'context', sortBy: 'Name', ascending: true, limit: 10 }));
      const bytewise = [...names].sort();
      expect(listed.map((e) => e.name)).toEqual(bytewise);
      expect((await store.read((r) => r.listTags({ resourceArn: 'arn:t', limit: 10 }))).map((t) => t.Key)).toEqual(bytewise);
    });
  });

  it('refuses text holding the NUL character as invalid input, writing nothing', async () => {
    const url = await database();
    await withStore(url, async (store) => {
      await expect(store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:nul', name: 'a\u0000b' })))).rejects.toBeInstanceOf(
        ValidationException,
      );
      await expect(
        store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:nul', properties: { k: 'a\u0000b' } }))),
      ).rejects.toBeInstanceOf(ValidationException);
      expect(await store.read((r) => r.getEntityByArn('arn:nul'))).toBeUndefined();
    });
  });

  it('refuses a search value too long for its index as invalid input, writing nothing', async () => {
    const url = await database();
    await withStore(url, async (store) => {
      // 3,072 CJK characters that do not compress: over PostgreSQL's B-tree entry limit.
      let text = '';
      for (let i = 0; i < 3072; i++) text += String.fromCharCode(0x4e00 + ((i * 7919) % 20000));
      const scope = { account: '111122223333', region: 'us-east-1' };
      const put = store.transaction((tx) =>
        tx.putSearchDocument({ arn: 'arn:long', scope, resource: 'R', record: {}, leaves: [{ path: 'Description', elem: 0, num: null, str: text }] }),
      );
      await expect(put).rejects.toBeInstanceOf(ValidationException);
      const all = { scope, resource: 'R', condition: { kind: 'all' as const, terms: [] }, sort: { path: 'Description', type: 'str' as const, ascending: true }, limit: 10 };
      expect(await store.read((r) => r.search(all))).toEqual([]);
    });
  });

  it('does not show the password of a database URL', () => {
    expect(redactUrl('postgres://stemma:s3cret@db.internal:5432/stemma')).toBe('postgres://stemma:***@db.internal:5432/stemma');
    expect(redactUrl('postgres://stemma@db/stemma')).toBe('postgres://stemma@db/stemma');
  });
});
