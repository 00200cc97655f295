import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FsBucketStore } from './fs-bucket-store.js';
import { describeObjectStoreContract } from './object-store.contract.js';
import { ObjectStore, parseObjectUri } from './object-store.js';

function fresh(): { store: ObjectStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-objects-'));
  return { store: new ObjectStore(new FsBucketStore(join(dir, 'objects'))), dir };
}

describe('object URIs', () => {
  it('parses s3:// into bucket and key, and file:// into a path', () => {
    expect(parseObjectUri('s3://my-bucket/a/b.csv')).toEqual({ scheme: 's3', bucket: 'my-bucket', key: 'a/b.csv' });
    expect(parseObjectUri('s3://my-bucket')).toEqual({ scheme: 's3', bucket: 'my-bucket', key: '' });
    expect(parseObjectUri('file:///tmp/x')).toEqual({ scheme: 'file', path: '/tmp/x' });
  });

  it('refuses other schemes and invalid bucket names', () => {
    expect(() => parseObjectUri('http://x/y')).toThrow(/not an s3:\/\/ or file:\/\/ URI/);
    expect(() => parseObjectUri('s3://Bad_Bucket/k')).toThrow(/not a valid bucket name/);
  });
});

describeObjectStoreContract('built-in (files in the data directory)', () => {
  const { store, dir } = fresh();
  const scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  return Promise.resolve({ store, bucket: 'data', scratch });
});

describe('the built-in object store', () => {
  it('keeps keys that look like paths inside their bucket', async () => {
    const { store, dir } = fresh();
    await store.put('s3://data/../escape', Buffer.from('three'));
    expect((await store.get('s3://data/../escape')).toString()).toBe('three');
    expect(await store.list('s3://data/')).toEqual(['s3://data/../escape']);
    expect(await store.download('s3://data/', join(dir, 'channel'))).toBe(1);
    expect(readFileSync(join(dir, 'channel', '%2E.%2Fescape'), 'utf8')).toBe('three');
  });

  it('treats a bucket nothing was written to as empty', async () => {
    const { store } = fresh();
    expect(await store.list('s3://never-written/')).toEqual([]);
  });

  it('reads and writes file:// URIs directly', async () => {
    const { store, dir } = fresh();
    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'x.csv'), 'x');
    expect(await store.download(pathToFileURL(src).href, join(dir, 'in'))).toBe(1);
    expect(readFileSync(join(dir, 'in', 'x.csv'), 'utf8')).toBe('x');
    await store.upload(join(dir, 'in'), pathToFileURL(join(dir, 'copied')).href);
    expect(readFileSync(join(dir, 'copied', 'x.csv'), 'utf8')).toBe('x');
  });
});
