import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestS3 } from '../../test/s3-server.js';
import { S3RVER_CREDENTIALS, startTestS3 } from '../../test/s3-server.js';
import { describeObjectStoreContract } from './object-store.contract.js';
import { ObjectStore } from './object-store.js';
import { S3BucketStore } from './s3-bucket-store.js';

let s3: TestS3;
const stores: ObjectStore[] = [];
let buckets = 0;

beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  for (const s of stores) s.close();
  await s3.close();
});

function storeOn(endpoint: string): ObjectStore {
  const store = new ObjectStore(new S3BucketStore({ endpoint, credentials: S3RVER_CREDENTIALS, maxAttempts: 1 }));
  stores.push(store);
  return store;
}

describeObjectStoreContract('S3-compatible endpoint (s3rver)', async () => {
  const bucket = `contract-${++buckets}`;
  await s3.createBucket(bucket);
  return { store: storeOn(s3.endpoint), bucket, scratch: mkdtempSync(join(tmpdir(), 'stemma-s3-contract-')) };
});

describe('the S3 object store', () => {
  it('names the bucket and the endpoint when the bucket does not exist', async () => {
    const store = storeOn(s3.endpoint);
    const failure = { kind: 'not-found', code: 'NoSuchBucket', message: `The bucket no-such-bucket does not exist at S3 endpoint ${s3.endpoint}.` };
    await expect(store.list('s3://no-such-bucket/data/')).rejects.toMatchObject(failure);
    await expect(store.put('s3://no-such-bucket/k', Buffer.from('x'))).rejects.toMatchObject(failure);
    await expect(store.get('s3://no-such-bucket/k')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('reports an endpoint nothing listens on as unavailable', async () => {
    const store = storeOn('http://127.0.0.1:9');
    await expect(store.list('s3://data/')).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('Cannot reach S3 endpoint http://127.0.0.1:9') as unknown });
  });

  it('reports a local file it cannot write as that failure, not as the endpoint being unreachable', async () => {
    await s3.createBucket('local');
    const store = storeOn(s3.endpoint);
    await store.put('s3://local/data/sub/a.csv', Buffer.from('a'));
    const channel = mkdtempSync(join(tmpdir(), 'stemma-s3-local-'));
    // A regular file stands where the object's subdirectory must be created.
    writeFileSync(join(channel, 'sub'), '');
    const failure = store.download('s3://local/data/', channel);
    await expect(failure).rejects.toMatchObject({ syscall: 'mkdir', path: join(channel, 'sub') });
    await expect(failure).rejects.not.toMatchObject({ kind: 'unavailable' });
  });

  it('reports refused credentials as denied', async () => {
    await s3.createBucket('guarded');
    const store = new ObjectStore(new S3BucketStore({ endpoint: s3.endpoint, credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'wrong' }, maxAttempts: 1 }));
    stores.push(store);
    await expect(store.list('s3://guarded/')).rejects.toMatchObject({ kind: 'denied' });
  });
});
