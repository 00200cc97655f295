import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateArtifactCommand, CreateContextCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { startTestServer, tempDir } from './harness.js';

let server: TestServer;
let webRoot: string;

beforeAll(async () => {
  webRoot = tempDir('stemma-web-');
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Stemma</title>');
  writeFileSync(join(webRoot, 'assets', 'main.js'), 'console.log(1)');
  writeFileSync(join(webRoot, 'secret.bin'), 'no type, not served');
  server = await startTestServer({ webRoot });
  const sm = server.client();
  await sm.send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://lake/train/2024.csv' } }));
  await sm.send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://lake/test/2024.csv' } }));
  await sm.send(new CreateContextCommand({ ContextName: 'fraud-endpoint', ContextType: 'Endpoint', Source: { SourceUri: 'arn:ep' } }));
});
afterAll(() => server.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers });

describe('GET /api/v1/entities', () => {
  it('finds entities by the start of a source URI, a name, or an ARN', async () => {
    const byUri = (await (await get('/api/v1/entities?q=s3%3A%2F%2Flake%2Ftr')).json()) as { Entities: { Arn: string; SourceUri: string; LineageType: string; Type: string }[] };
    expect(byUri.Entities).toHaveLength(1);
    expect(byUri.Entities[0]).toMatchObject({ SourceUri: 's3://lake/train/2024.csv', LineageType: 'Artifact', Type: 'DataSet' });
    const byName = (await (await get('/api/v1/entities?q=fraud')).json()) as { Entities: { Arn: string; Name: string }[] };
    expect(byName.Entities.map((e) => e.Name)).toEqual(['fraud-endpoint']);
    const arn = byName.Entities[0]!.Arn;
    const byArn = (await (await get(`/api/v1/entities?q=${encodeURIComponent(arn)}`)).json()) as { Entities: { Arn: string }[] };
    expect(byArn.Entities.map((e) => e.Arn)).toEqual([arn]);
    const limited = (await (await get('/api/v1/entities?q=s3://lake/&limit=1')).json()) as { Entities: unknown[] };
    expect(limited.Entities).toHaveLength(1);
  });

  it('answers a missing or bad parameter with a ValidationException naming it', async () => {
    for (const [path, member] of [['/api/v1/entities', 'q'], ['/api/v1/entities?q=%20', 'q'], ['/api/v1/entities?q=x&limit=0', 'limit'], ['/api/v1/entities?q=x&limit=abc', 'limit']] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
      expect(((await res.json()) as { message: string }).message).toContain(`'${member}'`);
    }
  });
});

describe('the web explorer files at /', () => {
  it('serves index.html at / and files with their content type and a revalidation ETag', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>Stemma</title>');
    const js = await get('/assets/main.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = js.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await get('/assets/main.js', { 'if-none-match': etag! })).status).toBe(304);
  });

  it('refuses paths outside the root, unknown files and unknown types with a 404', async () => {
    for (const path of ['/missing.js', '/assets', '/secret.bin', '/..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2findex.html']) {
      expect((await get(path)).status, path).toBe(404);
    }
    // A raw `..` never reaches the server from fetch (the URL is normalised), so send one by hand.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/../../etc/passwd`, { method: 'GET', path: '/../../etc/passwd' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });

  it('still answers the SageMaker API with POST /', async () => {
    const res = await server.raw('SageMaker.ListArtifacts', '{}');
    expect(res.status).toBe(200);
  });
});
