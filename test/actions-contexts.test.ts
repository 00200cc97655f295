import {
  CreateActionCommand,
  CreateContextCommand,
  DeleteActionCommand,
  DeleteContextCommand,
  DescribeActionCommand,
  DescribeContextCommand,
  ListActionsCommand,
  ListContextsCommand,
  UpdateActionCommand,
  UpdateContextCommand,
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

describe('actions', () => {
  it('creates, describes by name and by ARN, updates and deletes an action', async () => {
    const { ActionArn } = await sm.send(
      new CreateActionCommand({
        ActionName: 'deploy-1',
        Source: { SourceUri: 'arn:aws:sagemaker:us-east-1:000000000000:endpoint/ep', SourceType: 'ARN', SourceId: 'id-1' },
        ActionType: 'ModelDeployment',
        Description: 'first deployment',
        Status: 'InProgress',
        Properties: { k: 'v' },
        MetadataProperties: { GeneratedBy: 'pipeline-x' },
      }),
    );
    expect(ActionArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:action/deploy-1');

    const byName = await sm.send(new DescribeActionCommand({ ActionName: 'deploy-1' }));
    const byArn = await sm.send(new DescribeActionCommand({ ActionName: ActionArn }));
    expect(byArn).toEqual({ ...byName, $metadata: byArn.$metadata });
    expect(byName).toMatchObject({
      ActionName: 'deploy-1',
      ActionArn,
      Source: { SourceUri: 'arn:aws:sagemaker:us-east-1:000000000000:endpoint/ep', SourceType: 'ARN', SourceId: 'id-1' },
      ActionType: 'ModelDeployment',
      Description: 'first deployment',
      Status: 'InProgress',
      Properties: { k: 'v' },
      MetadataProperties: { GeneratedBy: 'pipeline-x' },
      LineageGroupArn: 'arn:aws:sagemaker:us-east-1:000000000000:lineage-group/sagemaker-default-lineage-group',
    });

    await sm.send(new UpdateActionCommand({ ActionName: 'deploy-1', Status: 'Completed', Description: 'done', PropertiesToRemove: ['k'] }));
    const updated = await sm.send(new DescribeActionCommand({ ActionName: 'deploy-1' }));
    expect(updated).toMatchObject({ Status: 'Completed', Description: 'done', Properties: {} });

    expect((await sm.send(new DeleteActionCommand({ ActionName: 'deploy-1' }))).ActionArn).toBe(ActionArn);
    expect((await awsError(sm.send(new DescribeActionCommand({ ActionName: 'deploy-1' })))).name).toBe('ResourceNotFound');
  });

  it('refuses a duplicate name with "already exists"', async () => {
    const input = { ActionName: 'dup-action', Source: { SourceUri: 'u' }, ActionType: 'Approval' };
    await sm.send(new CreateActionCommand(input));
    const err = await awsError(sm.send(new CreateActionCommand(input)));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('already exists');
  });

  it('rejects a name with underscores (actions allow hyphens only) and a bad Status', async () => {
    const name = await awsError(sm.send(new CreateActionCommand({ ActionName: 'bad_name', Source: { SourceUri: 'u' }, ActionType: 't' })));
    expect(name.message).toContain("at 'actionName' failed to satisfy constraint: Member must satisfy regular expression pattern");
    const status = await server.raw(
      'SageMaker.CreateAction',
      JSON.stringify({ ActionName: 'a1', Source: { SourceUri: 'u' }, ActionType: 't', Status: 'Done' }),
    );
    expect(status.json['message']).toBe(
      "1 validation error detected: Value 'Done' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Unknown, InProgress, Completed, Failed, Stopping, Stopped]",
    );
  });

  it('lists actions by type, sorted by name', async () => {
    for (const n of ['zeta', 'alpha', 'mid']) {
      await sm.send(new CreateActionCommand({ ActionName: `sorted-${n}`, Source: { SourceUri: 'sorted' }, ActionType: 'SortTest' }));
    }
    const res = await sm.send(new ListActionsCommand({ ActionType: 'SortTest', SortBy: 'Name', SortOrder: 'Ascending' }));
    expect(res.ActionSummaries!.map((a) => a.ActionName)).toEqual(['sorted-alpha', 'sorted-mid', 'sorted-zeta']);
    expect(res.ActionSummaries![0]).toMatchObject({ ActionType: 'SortTest', Source: { SourceUri: 'sorted' } });
    const bySource = await sm.send(new ListActionsCommand({ SourceUri: 'sorted', SortBy: 'Name', SortOrder: 'Descending' }));
    expect(bySource.ActionSummaries!.map((a) => a.ActionName)).toEqual(['sorted-zeta', 'sorted-mid', 'sorted-alpha']);
  });
});

describe('contexts', () => {
  it('creates, describes, updates, lists and deletes a context; names may contain underscores', async () => {
    const { ContextArn } = await sm.send(
      new CreateContextCommand({
        ContextName: 'my_endpoint-ctx',
        Source: { SourceUri: 'arn:aws:sagemaker:us-east-1:000000000000:endpoint/e', SourceType: 'ARN' },
        ContextType: 'Endpoint',
        Description: 'an endpoint',
        Properties: { stage: 'prod' },
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    );
    expect(ContextArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:context/my_endpoint-ctx');
    const d = await sm.send(new DescribeContextCommand({ ContextName: ContextArn }));
    expect(d).toMatchObject({ ContextName: 'my_endpoint-ctx', ContextType: 'Endpoint', Description: 'an endpoint', Properties: { stage: 'prod' } });
    expect(d).not.toHaveProperty('Status');

    await sm.send(new UpdateContextCommand({ ContextName: 'my_endpoint-ctx', Properties: { stage: 'staging', owner: 'me' } }));
    expect((await sm.send(new DescribeContextCommand({ ContextName: 'my_endpoint-ctx' }))).Properties).toEqual({ stage: 'staging', owner: 'me' });

    const list = await sm.send(new ListContextsCommand({ ContextType: 'Endpoint' }));
    expect(list.ContextSummaries!.map((c) => c.ContextArn)).toContain(ContextArn);

    await sm.send(new DeleteContextCommand({ ContextName: 'my_endpoint-ctx' }));
    expect((await awsError(sm.send(new DeleteContextCommand({ ContextName: 'my_endpoint-ctx' })))).name).toBe('ResourceNotFound');
  });

  it('keeps an update within 30 properties', async () => {
    const props = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v']));
    await sm.send(new CreateContextCommand({ ContextName: 'full', Source: { SourceUri: 'u' }, ContextType: 't', Properties: props }));
    const err = await awsError(sm.send(new UpdateContextCommand({ ContextName: 'full', Properties: { extra: 'v' } })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('Member must have length less than or equal to 30');
    expect(Object.keys((await sm.send(new DescribeContextCommand({ ContextName: 'full' }))).Properties!)).toHaveLength(30);
  });
});
