/**
 * The behaviour of `s3://` URIs that must not depend on where the objects live, written once. Each
 * backend's test file calls `describeObjectStoreContract` with a factory giving an ObjectStore on
 * that backend with a fresh, empty bucket, and a scratch directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from './object-store.js';

export interface ContractFixture {
  readonly store: ObjectStore;
  /** An existing bucket with no objects. */
  readonly bucket: string;
  /** An empty local directory for the test's files. */
  readonly scratch: string;
}

export function describeObjectStoreContract(name: string, fresh: () => Promise<ContractFixture>): void {
  describe(`object store contract: ${name}`, () => {
    it('puts and gets objects by key, keeping a key and its longer siblings apart', async () => {
      const { store, bucket } = await fresh();
      const at = (key: string): string => `s3://${bucket}/${key}`;
      await store.put(at('a'), Buffer.from('one'));
      await store.put(at('a/b'), Buffer.from('two'));
      await store.put(at('raw/iris v1 ü.csv'), Buffer.from('three'));
      expect((await store.get(at('a'))).toString()).toBe('one');
      expect((await store.get(at('a/b'))).toString()).toBe('two');
      expect((await store.get(at('raw/iris v1 ü.csv'))).toString()).toBe('three');
      expect(await store.list(at('a'))).toEqual([at('a'), at('a/b')]);
      expect(await store.list(at(''))).toEqual([at('a'), at('a/b'), at('raw/iris v1 ü.csv')]);
      expect(await store.list(at('nothing/'))).toEqual([]);
    });

    it('replaces an object on a second put, and deletes it whether or not it exists', async () => {
      const { store, bucket } = await fresh();
      const uri = `s3://${bucket}/k.txt`;
      await store.put(uri, Buffer.from('first'));
      await store.put(uri, Buffer.from('second'));
      expect((await store.get(uri)).toString()).toBe('second');
      await store.delete(uri);
      await store.delete(uri);
      expect(await store.list(uri)).toEqual([]);
    });

    it('reports a missing object as not-found, and refuses a prefix where an object is meant', async () => {
      const { store, bucket } = await fresh();
      await expect(store.get(`s3://${bucket}/none`)).rejects.toMatchObject({ kind: 'not-found', message: expect.stringContaining(`s3://${bucket}/none`) as unknown });
      await expect(store.put(`s3://${bucket}/dir/`, Buffer.from('x'))).rejects.toMatchObject({ kind: 'invalid' });
      await expect(store.get(`s3://${bucket}`)).rejects.toMatchObject({ kind: 'invalid' });
    });

    it('downloads a prefix as SageMaker fills a channel, and an exact key by its base name', async () => {
      const { store, bucket, scratch } = await fresh();
      await store.put(`s3://${bucket}/raw/part-1.csv`, Buffer.from('1'));
      await store.put(`s3://${bucket}/raw/sub/part-2.csv`, Buffer.from('2'));
      const channel = join(scratch, 'channel');
      expect(await store.download(`s3://${bucket}/raw`, channel)).toBe(2);
      expect(readFileSync(join(channel, 'part-1.csv'), 'utf8')).toBe('1');
      expect(readFileSync(join(channel, 'sub', 'part-2.csv'), 'utf8')).toBe('2');
      const single = join(scratch, 'single');
      expect(await store.download(`s3://${bucket}/raw/part-1.csv`, single)).toBe(1);
      expect(readFileSync(join(single, 'part-1.csv'), 'utf8')).toBe('1');
      await expect(store.download(`s3://${bucket}/nothing/`, join(scratch, 'x'))).rejects.toMatchObject({ kind: 'not-found', message: expect.stringMatching(/No object exists under/) as unknown });
    });

    it('uploads a directory under a prefix, and round-trips a large file through files', async () => {
      const { store, bucket, scratch } = await fresh();
      const out = join(scratch, 'out');
      mkdirSync(join(out, 'nested'), { recursive: true });
      writeFileSync(join(out, 'nested', 'r.txt'), 'r');
      writeFileSync(join(out, 'top.txt'), 't');
      expect(await store.upload(out, `s3://${bucket}/run-1`)).toBe(2);
      expect(await store.list(`s3://${bucket}/run-1/`)).toEqual([`s3://${bucket}/run-1/nested/r.txt`, `s3://${bucket}/run-1/top.txt`]);
      expect((await store.get(`s3://${bucket}/run-1/nested/r.txt`)).toString()).toBe('r');

      const big = randomBytes(3 * 1024 * 1024 + 17);
      writeFileSync(join(scratch, 'model.tar.gz'), big);
      await store.putFile(`s3://${bucket}/models/model.tar.gz`, join(scratch, 'model.tar.gz'));
      expect(await store.download(`s3://${bucket}/models/model.tar.gz`, join(scratch, 'back'))).toBe(1);
      expect(readFileSync(join(scratch, 'back', 'model.tar.gz')).equals(big)).toBe(true);
    });
  });
}
