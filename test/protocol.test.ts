import { ListArtifactsCommand } from '@aws-sdk/client-sagemaker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function expectNothingStored(): Promise<void> {
  const res = await server.client().send(new ListArtifactsCommand({}));
  expect(res.ArtifactSummaries).toEqual([]);
}

describe('AWS JSON 1.1 protocol', () => {
  it('answers malformed JSON with SerializationException', async () => {
    const res = await server.raw('SageMaker.CreateArtifact', '{"Source": ');
    expect(res.status).toBe(400);
    expect(res.json['__type']).toBe('SerializationException');
    expect(res.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a body that is not an object, and wrong member types, with SerializationException', async () => {
    expect((await server.raw('SageMaker.CreateArtifact', '[1,2]')).json['__type']).toBe('SerializationException');
    const wrongType = await server.raw('SageMaker.CreateArtifact', JSON.stringify({ Source: 'text', ArtifactType: 'DataSet' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.json['__type']).toBe('SerializationException');
    expect(String(wrongType.json['message'])).toContain('source');
    const number = await server.raw('SageMaker.ListArtifacts', JSON.stringify({ MaxResults: '10' }));
    expect(number.json['__type']).toBe('SerializationException');
  });

  it('answers an unknown or missing target with UnknownOperationException', async () => {
    const unknown = await server.raw('SageMaker.MakeCoffee', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.json['__type']).toBe('UnknownOperationException');
    const otherService = await server.raw('DynamoDB_20120810.ListTables', '{}');
    expect(otherService.json['__type']).toBe('UnknownOperationException');
    const missing = await server.raw(undefined, '{}');
    expect(missing.json['__type']).toBe('UnknownOperationException');
  });

  it('refuses a body over 16 MiB with 413', async () => {
    const huge = Buffer.alloc(17 * 1024 * 1024, 'a');
    const res = await server.raw('SageMaker.CreateArtifact', huge);
    expect(res.status).toBe(413);
    expect(res.json['__type']).toBe('RequestEntityTooLargeException');
  });

  it('answers oversized members with ValidationException, not a fault', async () => {
    const res = await server.raw(
      'SageMaker.CreateArtifact',
      JSON.stringify({ Source: { SourceUri: 'u'.repeat(100_000) }, ArtifactType: 'DataSet', Properties: { k: 'v'.repeat(10_000) } }),
    );
    expect(res.status).toBe(400);
    expect(res.json['__type']).toBe('ValidationException');
    expect(String(res.json['message'])).toMatch(/^2 validation errors detected: /);
    // Echoed values are truncated so an error never repeats a huge input.
    expect(String(res.json['message']).length).toBeLessThan(2000);
  });

  it('gives every modeled error a Message member as well as message', async () => {
    const res = await server.raw(
      'SageMaker.DescribeArtifact',
      JSON.stringify({ ArtifactArn: 'arn:aws:sagemaker:us-east-1:000000000000:artifact/00000000000000000000000000000000' }),
    );
    expect(res.json).toMatchObject({ __type: 'ResourceNotFound', Message: res.json['message'] });
  });

  it('answers a route that does not exist with 404', async () => {
    const res = await fetch(`${server.url}/nowhere`);
    expect(res.status).toBe(404);
  });

  it('never answers random input with a 5xx, and stores nothing from it', async () => {
    const operations = ['CreateArtifact', 'CreateAction', 'CreateContext', 'AddAssociation', 'UpdateArtifact', 'AddTags', 'DeleteArtifact'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), fc.jsonValue({ maxDepth: 3 }), async (op, body) => {
        const res = await server.raw(`SageMaker.${op}`, JSON.stringify(body));
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.json['__type']).toBe('string');
      }),
      { numRuns: 300, seed: 42 },
    );
    await expectNothingStored();
  });
});
