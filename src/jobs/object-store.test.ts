import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ObjectStore, ObjectStoreError, parseObjectUri } from './object-store.js';

function fresh(): { store: ObjectStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stemma-objects-'));
  return { store: new ObjectStore(join(dir, 'objects')), dir };
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

describe('the built-in object store', () => {
  it('puts and gets objects by key, keeping a key and its longer siblings apart', async () => {
    const { store } = fresh();
    await store.put('s3://data/a', Buffer.from('one'));
    await store.put('s3://data/a/b', Buffer.from('two'));
    await store.put('s3://data/../escape', Buffer.from('three'));
    expect((await store.get('s3://data/a')).toString()).toBe('one');
    expect((await store.get('s3://data/a/b')).toString()).toBe('two');
    expect((await store.get('s3://data/../escape')).toString()).toBe('three');
    expect(await store.list('s3://data/a')).toEqual(['s3://data/a', 's3://data/a/b']);
    expect(await store.list('s3://data/')).toEqual(['s3://data/../escape', 's3://data/a', 's3://data/a/b']);
  });

  it('reports a missing object as not-found and a prefix as no object', async () => {
    const { store } = fresh();
    await expect(store.get('s3://data/none')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(store.put('s3://data/dir/', Buffer.from('x'))).rejects.toBeInstanceOf(ObjectStoreError);
  });

  it('downloads a prefix as SageMaker fills a channel, and uploads a directory under a prefix', async () => {
    const { store, dir } = fresh();
    await store.put('s3://data/raw/part-1.csv', Buffer.from('1'));
    await store.put('s3://data/raw/sub/part-2.csv', Buffer.from('2'));
    const channel = join(dir, 'channel');
    expect(await store.download('s3://data/raw', channel)).toBe(2);
    expect(readFileSync(join(channel, 'part-1.csv'), 'utf8')).toBe('1');
    expect(readFileSync(join(channel, 'sub', 'part-2.csv'), 'utf8')).toBe('2');
    const single = join(dir, 'single');
    expect(await store.download('s3://data/raw/part-1.csv', single)).toBe(1);
    expect(readFileSync(join(single, 'part-1.csv'), 'utf8')).toBe('1');
    await expect(store.download('s3://data/nothing/', join(dir, 'x'))).rejects.toThrow(/No object exists under/);

    const out = join(dir, 'out');
    mkdirSync(join(out, 'nested'), { recursive: true });
    writeFileSync(join(out, 'nested', 'r.txt'), 'r');
    expect(await store.upload(out, 's3://results/run-1')).toBe(1);
    expect((await store.get('s3://results/run-1/nested/r.txt')).toString()).toBe('r');
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
