/**
 * Models and the model registry: groups, versioned packages with approval, and the lineage SageMaker
 * records for them.
 */
import {
  AddTagsCommand,
  BatchDescribeModelPackageCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelCommand,
  DeleteModelPackageGroupCommand,
  DescribeActionCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListActionsCommand,
  ListArtifactsCommand,
  ListContextsCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListModelsCommand,
  QueryLineageCommand,
  SearchCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { awsError, startTestServer } from './harness.js';
import { SKLEARN } from './job-fixtures.js';

const MODEL_DATA = 's3://stemma-demo/models/train-1/output/model.tar.gz';

describe('models and the model registry', () => {
  let server: TestServer;
  let sm: SageMakerClient;
  beforeAll(async () => {
    server = await startTestServer();
    sm = server.client();
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates, describes, lists and deletes models, refusing duplicates and empty definitions', async () => {
    const created = await sm.send(new CreateModelCommand({ ModelName: 'Churn-Model', PrimaryContainer: { Image: SKLEARN, ModelDataUrl: MODEL_DATA } }));
    expect(created.ModelArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:model/churn-model');
    expect(await sm.send(new DescribeModelCommand({ ModelName: 'Churn-Model' }))).toMatchObject({
      ModelName: 'Churn-Model',
      ModelArn: created.ModelArn,
      PrimaryContainer: { Image: SKLEARN, ModelDataUrl: MODEL_DATA },
    });
    const dup = await awsError(sm.send(new CreateModelCommand({ ModelName: 'Churn-Model', PrimaryContainer: { Image: SKLEARN } })));
    expect(dup).toMatchObject({ name: 'ValidationException' });
    expect(dup.message).toMatch(/Cannot create already existing model/);
    expect(await awsError(sm.send(new CreateModelCommand({ ModelName: 'empty' })))).toMatchObject({ name: 'ValidationException' });
    const artifacts = await sm.send(new ListArtifactsCommand({ SourceUri: MODEL_DATA }));
    expect(artifacts.ArtifactSummaries?.map((a) => a.ArtifactType)).toEqual(['ModelData']);
    expect((await sm.send(new ListModelsCommand({ NameContains: 'churn' }))).Models?.map((m) => m.ModelName)).toEqual(['Churn-Model']);
    await sm.send(new DeleteModelCommand({ ModelName: 'Churn-Model' }));
    expect(await awsError(sm.send(new DescribeModelCommand({ ModelName: 'Churn-Model' })))).toMatchObject({ name: 'ResourceNotFound' });
  });

  it('registers versions in a group, approves one, and records the registry lineage', async () => {
    const group = await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'Churn', ModelPackageGroupDescription: 'churn models' }));
    expect(await sm.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'Churn' }))).toMatchObject({
      ModelPackageGroupArn: group.ModelPackageGroupArn,
      ModelPackageGroupStatus: 'Completed',
    });
    const spec = { Containers: [{ Image: SKLEARN, ModelDataUrl: MODEL_DATA }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] };
    const v1 = await sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'Churn', InferenceSpecification: spec }));
    const v2 = await sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'Churn', InferenceSpecification: spec, ModelApprovalStatus: 'Rejected' }));
    expect(v1.ModelPackageArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1');
    expect(v2.ModelPackageArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/2');
    expect(await sm.send(new DescribeModelPackageCommand({ ModelPackageName: v1.ModelPackageArn }))).toMatchObject({
      ModelPackageGroupName: 'Churn',
      ModelPackageVersion: 1,
      ModelApprovalStatus: 'PendingManualApproval',
      ModelPackageStatus: 'Completed',
    });

    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: v1.ModelPackageArn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'looks good' }));
    const approved = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'Churn', ModelApprovalStatus: 'Approved' }));
    expect(approved.ModelPackageSummaryList?.map((p) => p.ModelPackageVersion)).toEqual([1]);
    const all = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'Churn', SortOrder: 'Ascending' }));
    expect(all.ModelPackageSummaryList?.map((p) => [p.ModelPackageVersion, p.ModelApprovalStatus])).toEqual([
      [1, 'Approved'],
      [2, 'Rejected'],
    ]);
    expect((await sm.send(new ListModelPackagesCommand({ ModelPackageType: 'Unversioned' }))).ModelPackageSummaryList).toEqual([]);
    expect((await sm.send(new ListModelPackageGroupsCommand({}))).ModelPackageGroupSummaryList?.map((g) => g.ModelPackageGroupName)).toEqual(['Churn']);

    const batch = await sm.send(new BatchDescribeModelPackageCommand({ ModelPackageArnList: [v1.ModelPackageArn as string, 'arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/9'] }));
    expect(batch.ModelPackageSummaries?.[v1.ModelPackageArn as string]).toMatchObject({ ModelPackageGroupName: 'Churn', ModelApprovalStatus: 'Approved' });
    expect(Object.keys(batch.BatchDescribeModelPackageErrorMap ?? {})).toEqual(['arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/9']);

    // Lineage: the group's ModelGroup context, the package artifact AssociatedWith it, the Approval
    // action and the container's Image and Model artifacts ContributedTo the package.
    const contexts = await sm.send(new ListContextsCommand({ ContextType: 'ModelGroup' }));
    expect(contexts.ContextSummaries).toHaveLength(1);
    expect(contexts.ContextSummaries?.[0]?.ContextName).toMatch(/^Churn-\d{10}-aws-model-package-group$/);
    const packageArtifact = (await sm.send(new ListArtifactsCommand({ SourceUri: v1.ModelPackageArn }))).ArtifactSummaries?.[0];
    expect(packageArtifact?.ArtifactType).toBe('Model');
    const up = await sm.send(new QueryLineageCommand({ StartArns: [packageArtifact?.ArtifactArn as string], Direction: 'Ascendants', MaxDepth: 1, IncludeEdges: true }));
    expect(up.Vertices?.map((v) => v.Type).sort()).toEqual(['Approval', 'Image', 'Model', 'ModelData']);
    expect(new Set(up.Edges?.map((e) => e.AssociationType))).toEqual(new Set(['ContributedTo']));
    const down = await sm.send(new QueryLineageCommand({ StartArns: [packageArtifact?.ArtifactArn as string], Direction: 'Descendants', MaxDepth: 1, Filters: { LineageTypes: ['Context'] } }));
    expect(down.Vertices?.map((v) => v.Arn)).toEqual([contexts.ContextSummaries?.[0]?.ContextArn]);
    const actions = await sm.send(new ListActionsCommand({ ActionType: 'Approval' }));
    expect(actions.ActionSummaries).toHaveLength(2);
    const v1Action = actions.ActionSummaries?.find((a) => a.Source?.SourceUri === v1.ModelPackageArn);
    expect(v1Action?.ActionName).toMatch(/^churn-1-PendingManualApproval-\d{10}$/);
    expect((await sm.send(new DescribeActionCommand({ ActionName: v1Action?.ActionName }))).Properties).toEqual({ ModelApprovalStatus: 'Approved' });
    // The model data's artifact was created by CreateModel above, and keeps its type.
    expect((await sm.send(new ListArtifactsCommand({ SourceUri: MODEL_DATA }))).ArtifactSummaries?.map((a) => a.ArtifactType)).toEqual(['ModelData']);

    expect(await awsError(sm.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: 'Churn' })))).toMatchObject({ name: 'ConflictException' });

    // Search sees the registry as it is now: approvals, versions and tags.
    const approvedHits = await sm.send(
      new SearchCommand({ Resource: 'ModelPackage', SearchExpression: { Filters: [{ Name: 'ModelApprovalStatus', Operator: 'Equals', Value: 'Approved' }] } }),
    );
    expect(approvedHits.Results?.map((r) => [r.ModelPackage?.ModelPackageArn, r.ModelPackage?.ModelApprovalStatus])).toEqual([[v1.ModelPackageArn, 'Approved']]);
    const latest = await sm.send(new SearchCommand({ Resource: 'ModelPackage', SortBy: 'ModelPackageVersion', SortOrder: 'Descending', MaxResults: 1 }));
    expect(latest.Results?.[0]?.ModelPackage?.ModelPackageVersion).toBe(2);
    await sm.send(new AddTagsCommand({ ResourceArn: group.ModelPackageGroupArn, Tags: [{ Key: 'team', Value: 'growth' }] }));
    const groups = await sm.send(new SearchCommand({ Resource: 'ModelPackageGroup', SearchExpression: { Filters: [{ Name: 'Tags.team', Value: 'growth' }] } }));
    expect(groups.Results?.map((r) => r.ModelPackageGroup?.ModelPackageGroupName)).toEqual(['Churn']);
  });

  it('refuses bad package definitions and unknown groups, writing nothing', async () => {
    expect(await awsError(sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'none' })))).toMatchObject({ name: 'ResourceNotFound' });
    expect(await awsError(sm.send(new CreateModelPackageCommand({})))).toMatchObject({ name: 'ValidationException' });
    expect(await awsError(sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'a', ModelPackageName: 'b' })))).toMatchObject({ name: 'ValidationException' });
    expect(await awsError(sm.send(new UpdateModelPackageCommand({ ModelPackageArn: 'arn:aws:sagemaker:us-east-1:000000000000:model-package/x/1', ModelApprovalStatus: 'Approved' })))).toMatchObject({
      name: 'ResourceNotFound',
    });
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'Empty' }));
    expect(await awsError(sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'Empty' })))).toMatchObject({ name: 'ResourceInUse' });
    await sm.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: 'Empty' }));
    expect(await awsError(sm.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'Empty' })))).toMatchObject({ name: 'ResourceNotFound' });
  });
});
