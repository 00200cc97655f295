import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { startTestServer } from './harness.js';

describe('/api/v1/objects', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('puts, gets, lists and deletes objects of the built-in store', async () => {
    const put = await fetch(`${server.url}/api/v1/objects/my-data/raw/iris%20v1.csv`, { method: 'PUT', body: 'a,b\n1,2\n' });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ Uri: 's3://my-data/raw/iris v1.csv', Size: 8 });
    const got = await fetch(`${server.url}/api/v1/objects/my-data/raw/iris%20v1.csv`);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(await got.text()).toBe('a,b\n1,2\n');
    const listed = await fetch(`${server.url}/api/v1/objects/my-data/raw/`);
    expect(await listed.json()).toEqual({ Objects: [{ Key: 'raw/iris v1.csv', Uri: 's3://my-data/raw/iris v1.csv' }] });
    expect((await fetch(`${server.url}/api/v1/objects/my-data/raw/iris%20v1.csv`, { method: 'DELETE' })).status).toBe(200);
    const gone = await fetch(`${server.url}/api/v1/objects/my-data/raw/iris%20v1.csv`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ __type: 'NoSuchKey' });
  });

  it('refuses invalid bucket names and other methods', async () => {
    const bad = await fetch(`${server.url}/api/v1/objects/Bad_Bucket/k`, { method: 'PUT', body: 'x' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ __type: 'ValidationException' });
    const post = await fetch(`${server.url}/api/v1/objects/b-1/k`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('PUT, GET, DELETE');
    expect(post.headers.get('x-amzn-errortype')).toBe('MethodNotAllowed');
    expect(await post.json()).toEqual({ __type: 'MethodNotAllowed', message: 'Use PUT, GET, DELETE for /api/v1/objects/b-1/k.' });
  });
});
