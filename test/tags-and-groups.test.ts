import {
  AddTagsCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  DeleteTagsCommand,
  DescribeLineageGroupCommand,
  GetLineageGroupPolicyCommand,
  ListLineageGroupsCommand,
  ListTagsCommand,
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

describe('tags', () => {
  it('adds, overwrites, lists in pages and deletes tags', async () => {
    const { ArtifactArn } = await sm.send(
      new CreateArtifactCommand({ Source: { SourceUri: 's3://t/1' }, ArtifactType: 'DataSet', Tags: [{ Key: 'a', Value: '1' }] }),
    );
    await sm.send(new AddTagsCommand({ ResourceArn: ArtifactArn, Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: 'one' }] }));
    expect((await sm.send(new ListTagsCommand({ ResourceArn: ArtifactArn }))).Tags).toEqual([
      { Key: 'a', Value: 'one' },
      { Key: 'b', Value: '2' },
    ]);
    await sm.send(new AddTagsCommand({ ResourceArn: ArtifactArn, Tags: Array.from({ length: 48 }, (_, i) => ({ Key: `k${String(i).padStart(2, '0')}`, Value: 'v' })) }));
    const first = await sm.send(new ListTagsCommand({ ResourceArn: ArtifactArn, MaxResults: 50 }));
    expect(first.Tags).toHaveLength(50);
    expect(first.NextToken).toBeUndefined();

    await sm.send(new DeleteTagsCommand({ ResourceArn: ArtifactArn, TagKeys: ['a', 'b'] }));
    expect((await sm.send(new ListTagsCommand({ ResourceArn: ArtifactArn }))).Tags).toHaveLength(48);
  });

  it('refuses more than 50 tags on a resource, keeping none of the request', async () => {
    const { ContextArn } = await sm.send(new CreateContextCommand({ ContextName: 'tagged', Source: { SourceUri: 'u' }, ContextType: 't' }));
    await sm.send(new AddTagsCommand({ ResourceArn: ContextArn, Tags: Array.from({ length: 45 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }));
    const err = await awsError(
      sm.send(new AddTagsCommand({ ResourceArn: ContextArn, Tags: Array.from({ length: 6 }, (_, i) => ({ Key: `new${i}`, Value: 'v' })) })),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('at most 50');
    expect((await sm.send(new ListTagsCommand({ ResourceArn: ContextArn, MaxResults: 100 }))).Tags).toHaveLength(45);
  });

  it('refuses reserved aws: keys and unknown resources', async () => {
    const { ArtifactArn } = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://t/2' }, ArtifactType: 'DataSet' }));
    const reserved = await awsError(sm.send(new AddTagsCommand({ ResourceArn: ArtifactArn, Tags: [{ Key: 'aws:owner', Value: 'x' }] })));
    expect(reserved.name).toBe('ValidationException');
    const missing = await awsError(
      sm.send(new ListTagsCommand({ ResourceArn: 'arn:aws:sagemaker:us-east-1:000000000000:context/none' })),
    );
    expect(missing.name).toBe('ResourceNotFound');
  });
});

describe('lineage groups', () => {
  it('has no lineage group before the first entity, and the default one after', async () => {
    const fresh = await startTestServer();
    const c = fresh.client({ region: 'eu-west-1' });
    try {
      expect((await c.send(new ListLineageGroupsCommand({}))).LineageGroupSummaries).toEqual([]);
      await c.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://g/1' }, ArtifactType: 'DataSet' }));
      const groups = await c.send(new ListLineageGroupsCommand({}));
      const arn = 'arn:aws:sagemaker:eu-west-1:000000000000:lineage-group/sagemaker-default-lineage-group';
      expect(groups.LineageGroupSummaries).toMatchObject([{ LineageGroupArn: arn, LineageGroupName: 'sagemaker-default-lineage-group' }]);
      const d = await c.send(new DescribeLineageGroupCommand({ LineageGroupName: 'sagemaker-default-lineage-group' }));
      expect(d).toMatchObject({ LineageGroupArn: arn, CreatedBy: { IamIdentity: { PrincipalId: 'AKIDTEST' } } });
      expect(d.CreationTime).toBeInstanceOf(Date);
      expect((await c.send(new GetLineageGroupPolicyCommand({ LineageGroupName: arn }))).LineageGroupArn).toBe(arn);
      const other = await awsError(c.send(new DescribeLineageGroupCommand({ LineageGroupName: 'other-group' })));
      expect(other.name).toBe('ResourceNotFound');
    } finally {
      await fresh.close();
    }
  });
});
