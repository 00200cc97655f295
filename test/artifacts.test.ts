import {
  AddAssociationCommand,
  CreateArtifactCommand,
  DeleteArtifactCommand,
  DescribeArtifactCommand,
  ListArtifactsCommand,
  UpdateArtifactCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let sm: SageMakerClient;

beforeAll(async () => {
  server = await startTestServer();
  sm = server.client();
});
afterAll(() => server.close());

describe('CreateArtifact and DescribeArtifact', () => {
  it('creates an artifact whose ARN is derived from its source, and describes it with every member', async () => {
    const before = Date.now();
    const { ArtifactArn } = await sm.send(
      new CreateArtifactCommand({
        ArtifactName: 'train-data',
        Source: { SourceUri: 's3://bucket/train.csv', SourceTypes: [{ SourceIdType: 'MD5Hash', Value: 'abc' }] },
        ArtifactType: 'DataSet',
        Properties: { rows: '1000' },
        MetadataProperties: { CommitId: 'c0ffee', Repository: 'git://repo' },
        Tags: [{ Key: 'team', Value: 'ml' }],
      }),
    );
    expect(ArtifactArn).toMatch(/^arn:aws:sagemaker:us-east-1:000000000000:artifact\/[0-9a-f]{32}$/);

    const d = await sm.send(new DescribeArtifactCommand({ ArtifactArn }));
    expect(d).toMatchObject({
      ArtifactName: 'train-data',
      ArtifactArn,
      Source: { SourceUri: 's3://bucket/train.csv', SourceTypes: [{ SourceIdType: 'MD5Hash', Value: 'abc' }] },
      ArtifactType: 'DataSet',
      Properties: { rows: '1000' },
      MetadataProperties: { CommitId: 'c0ffee', Repository: 'git://repo' },
      LineageGroupArn: 'arn:aws:sagemaker:us-east-1:000000000000:lineage-group/sagemaker-default-lineage-group',
      CreatedBy: { IamIdentity: { PrincipalId: 'AKIDTEST' } },
      LastModifiedBy: { IamIdentity: { PrincipalId: 'AKIDTEST' } },
    });
    expect(d.CreationTime).toBeInstanceOf(Date);
    expect(d.CreationTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(d.LastModifiedTime!.getTime()).toBe(d.CreationTime!.getTime());
  });

  it('refuses a second artifact for the same source, naming the existing ARN', async () => {
    const source = { SourceUri: 's3://bucket/dup.csv' };
    const { ArtifactArn } = await sm.send(new CreateArtifactCommand({ Source: source, ArtifactType: 'DataSet' }));
    const err = await awsError(sm.send(new CreateArtifactCommand({ Source: source, ArtifactType: 'Model' })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('already exists');
    expect(err.message).toContain(ArtifactArn);
    expect(err.status).toBe(400);
  });

  it('treats the same URI with other source types as a different artifact', async () => {
    const a = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://bucket/v.csv' }, ArtifactType: 'DataSet' }));
    const b = await sm.send(
      new CreateArtifactCommand({
        Source: { SourceUri: 's3://bucket/v.csv', SourceTypes: [{ SourceIdType: 'S3Version', Value: '2' }] },
        ArtifactType: 'DataSet',
      }),
    );
    expect(a.ArtifactArn).not.toBe(b.ArtifactArn);
  });

  it('reports a missing artifact as ResourceNotFound', async () => {
    const arn = 'arn:aws:sagemaker:us-east-1:000000000000:artifact/0123456789abcdef0123456789abcdef';
    const err = await awsError(sm.send(new DescribeArtifactCommand({ ArtifactArn: arn })));
    expect(err).toMatchObject({ name: 'ResourceNotFound', status: 400 });
    expect(err.message).toContain(arn);
  });

  it('rejects input that breaks the API model with AWS validation wording', async () => {
    const tooLong = await awsError(
      sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://b/k' }, ArtifactType: 'x'.repeat(257) })),
    );
    expect(tooLong.name).toBe('ValidationException');
    expect(tooLong.message).toMatch(
      /^1 validation error detected: Value 'x{200}\.\.\.' at 'artifactType' failed to satisfy constraint: Member must have length less than or equal to 256$/,
    );
    const emptyUri = await awsError(sm.send(new CreateArtifactCommand({ Source: { SourceUri: '' }, ArtifactType: 'DataSet' })));
    expect(emptyUri.message).toContain("at 'source.sourceUri' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const badName = await awsError(
      sm.send(new CreateArtifactCommand({ ArtifactName: 'no spaces', Source: { SourceUri: 's3://b/n' }, ArtifactType: 'DataSet' })),
    );
    expect(badName.message).toContain("at 'artifactName' failed to satisfy constraint: Member must satisfy regular expression pattern");
  });

  it('reports a missing required member', async () => {
    const res = await server.raw('SageMaker.CreateArtifact', JSON.stringify({ Source: { SourceUri: 's3://b/m' } }));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'artifactType' failed to satisfy constraint: Member must not be null",
    });
  });
});

describe('UpdateArtifact', () => {
  it('renames, merges properties and removes the ones named, updating LastModifiedTime', async () => {
    const { ArtifactArn } = await sm.send(
      new CreateArtifactCommand({ Source: { SourceUri: 's3://bucket/upd' }, ArtifactType: 'DataSet', Properties: { k1: 'v1', k2: 'v2' } }),
    );
    const created = await sm.send(new DescribeArtifactCommand({ ArtifactArn }));
    await new Promise((r) => setTimeout(r, 5));
    await sm.send(
      new UpdateArtifactCommand({ ArtifactArn, ArtifactName: 'renamed', Properties: { k3: 'v3' }, PropertiesToRemove: ['k1'] }),
    );
    const d = await sm.send(new DescribeArtifactCommand({ ArtifactArn }));
    expect(d.ArtifactName).toBe('renamed');
    expect(d.Properties).toEqual({ k2: 'v2', k3: 'v3' });
    expect(d.LastModifiedTime!.getTime()).toBeGreaterThan(created.LastModifiedTime!.getTime());
  });

  it('reports ResourceNotFound for an unknown artifact', async () => {
    const err = await awsError(
      sm.send(new UpdateArtifactCommand({ ArtifactArn: 'arn:aws:sagemaker:us-east-1:000000000000:artifact/ffffffffffffffffffffffffffffffff' })),
    );
    expect(err.name).toBe('ResourceNotFound');
  });
});

describe('DeleteArtifact', () => {
  it('deletes by ARN or by Source', async () => {
    const a = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://bucket/del-a' }, ArtifactType: 'DataSet' }));
    expect((await sm.send(new DeleteArtifactCommand({ ArtifactArn: a.ArtifactArn }))).ArtifactArn).toBe(a.ArtifactArn);
    const b = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://bucket/del-b' }, ArtifactType: 'DataSet' }));
    const deleted = await sm.send(new DeleteArtifactCommand({ Source: { SourceUri: 's3://bucket/del-b' } }));
    expect(deleted.ArtifactArn).toBe(b.ArtifactArn);
    expect((await awsError(sm.send(new DescribeArtifactCommand({ ArtifactArn: b.ArtifactArn })))).name).toBe('ResourceNotFound');
  });

  it('requires an ARN or a Source, and reports an unknown one as ResourceNotFound', async () => {
    expect((await awsError(sm.send(new DeleteArtifactCommand({})))).name).toBe('ValidationException');
    const err = await awsError(sm.send(new DeleteArtifactCommand({ Source: { SourceUri: 's3://bucket/never' } })));
    expect(err.name).toBe('ResourceNotFound');
  });

  it('refuses while associations remain, saying how many and how to proceed', async () => {
    const a = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://bucket/in-use' }, ArtifactType: 'DataSet' }));
    const b = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://bucket/in-use-2' }, ArtifactType: 'Model' }));
    await sm.send(new AddAssociationCommand({ SourceArn: a.ArtifactArn, DestinationArn: b.ArtifactArn }));
    const err = await awsError(sm.send(new DeleteArtifactCommand({ ArtifactArn: a.ArtifactArn })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('1 association');
    expect(err.message).toContain('disassociate');
    expect((await sm.send(new DescribeArtifactCommand({ ArtifactArn: a.ArtifactArn }))).ArtifactArn).toBe(a.ArtifactArn);
  });
});

describe('ListArtifacts', () => {
  it('filters by source URI, type and creation time, newest first by default', async () => {
    const local = await startTestServer();
    const c = local.client();
    try {
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) {
        await c.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://l/${i}` }, ArtifactType: i === 1 ? 'Model' : 'DataSet' }));
        await new Promise((r) => setTimeout(r, 3));
      }
      const all = await c.send(new ListArtifactsCommand({}));
      expect(all.ArtifactSummaries!.map((s) => s.Source!.SourceUri)).toEqual(['s3://l/2', 's3://l/1', 's3://l/0']);
      const asc = await c.send(new ListArtifactsCommand({ SortBy: 'CreationTime', SortOrder: 'Ascending' }));
      expect(asc.ArtifactSummaries!.map((s) => s.Source!.SourceUri)).toEqual(['s3://l/0', 's3://l/1', 's3://l/2']);
      const models = await c.send(new ListArtifactsCommand({ ArtifactType: 'Model' }));
      expect(models.ArtifactSummaries!.map((s) => s.Source!.SourceUri)).toEqual(['s3://l/1']);
      const byUri = await c.send(new ListArtifactsCommand({ SourceUri: 's3://l/0' }));
      expect(byUri.ArtifactSummaries).toHaveLength(1);
      const future = await c.send(new ListArtifactsCommand({ CreatedAfter: new Date(Date.now() + 60_000) }));
      expect(future.ArtifactSummaries).toEqual([]);
      const past = await c.send(new ListArtifactsCommand({ CreatedAfter: new Date(t0 - 1000), CreatedBefore: new Date() }));
      expect(past.ArtifactSummaries).toHaveLength(3);
      expect(all.ArtifactSummaries![0]).toMatchObject({ ArtifactType: 'DataSet' });
      expect(all.ArtifactSummaries![0]!.CreationTime).toBeInstanceOf(Date);
    } finally {
      await local.close();
    }
  });

  it('rejects an unknown SortBy and out-of-range MaxResults', async () => {
    const sort = await server.raw('SageMaker.ListArtifacts', JSON.stringify({ SortBy: 'Name' }));
    expect(sort.json['__type']).toBe('ValidationException');
    expect(sort.json['message']).toContain("at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [CreationTime]");
    const big = await awsError(sm.send(new ListArtifactsCommand({ MaxResults: 101 })));
    expect(big.message).toContain("Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100");
  });
});
