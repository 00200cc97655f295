/**
 * The whole local lifecycle with small real data and real scripts: process raw CSV, train, register
 * a model package, approve it, deploy it, invoke the endpoint — then QueryLineage answers the seed
 * questions with exactly the expected entities, without any manual tracking.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  DescribeTrialComponentCommand,
  CreateTransformJobCommand,
  ListArtifactsCommand,
  ListContextsCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListTagsCommand,
  QueryLineageCommand,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import type { ListEndpointConfigsCommandInput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { awsError, startTestServer } from './harness.js';
import { getObject, processingJob, putObject, SKLEARN, trainingJob, uploadDemoData, waitFor } from './job-fixtures.js';

const EXECUTION = 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/churn/execution/abc123';

async function vertices(sm: SageMakerClient, start: string, direction: 'Ascendants' | 'Descendants', filters: object): Promise<string[]> {
  const out = await sm.send(new QueryLineageCommand({ StartArns: [start], Direction: direction, IncludeEdges: false, MaxDepth: 10, Filters: filters }));
  return (out.Vertices ?? []).map((v) => v.Arn as string).sort();
}

async function artifactOf(sm: SageMakerClient, uri: string): Promise<string> {
  const found = await sm.send(new ListArtifactsCommand({ SourceUri: uri }));
  return found.ArtifactSummaries?.[0]?.ArtifactArn as string;
}

async function invoke(server: TestServer, endpoint: string, body: string): Promise<Response> {
  return fetch(`${server.url}/endpoints/${endpoint}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
}

describe('process → train → register → approve → deploy → invoke, and the lineage it leaves', () => {
  let server: TestServer;
  let sm: SageMakerClient;
  beforeAll(async () => {
    server = await startTestServer();
    sm = server.client();
    await uploadDemoData(server);
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers every seed question from the automatic lineage alone', async () => {
    await sm.send(new CreateProcessingJobCommand(processingJob('prep', { Tags: [{ Key: 'sagemaker:pipeline-execution-arn', Value: EXECUTION }] })));
    expect((await waitFor(() => sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'prep' })), (d) => d.ProcessingJobStatus)).ProcessingJobStatus).toBe('Completed');
    const train = await sm.send(new CreateTrainingJobCommand(trainingJob('train', { Tags: [{ Key: 'sagemaker:pipeline-execution-arn', Value: EXECUTION }] })));
    const trained = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'train' })), (d) => d.TrainingJobStatus);
    expect(trained.TrainingJobStatus).toBe('Completed');
    const modelData = trained.ModelArtifacts?.S3ModelArtifacts as string;

    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'linear' }));
    const pkg = await sm.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: 'linear',
        InferenceSpecification: { Containers: [{ Image: SKLEARN, ModelDataUrl: modelData }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
      }),
    );
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: pkg.ModelPackageArn, ModelApprovalStatus: 'Approved' }));
    await sm.send(
      new CreateModelCommand({
        ModelName: 'linear-v1',
        PrimaryContainer: {
          ModelPackageName: pkg.ModelPackageArn,
          Environment: { SAGEMAKER_PROGRAM: 'serve.py', SAGEMAKER_SUBMIT_DIRECTORY: 's3://stemma-demo/code/serve' },
        },
      }),
    );
    await sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'linear-config', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'linear-v1', InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }] }));
    const ep = await sm.send(new CreateEndpointCommand({ EndpointName: 'linear', EndpointConfigName: 'linear-config' }));
    const described = await waitFor(
      () => sm.send(new DescribeEndpointCommand({ EndpointName: 'linear' })),
      (d) => (d.EndpointStatus === 'Creating' ? 'InProgress' : d.EndpointStatus),
    );
    expect(described.FailureReason).toBeUndefined();
    expect(described).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'linear-config', ProductionVariants: [{ VariantName: 'AllTraffic' }] });

    // y = 2x + 1 was learned from the cleaned data.
    const answer = await invoke(server, 'linear', '10\n0.5\n');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv');
    expect(answer.headers.get('x-amzn-invoked-production-variant')).toBe('AllTraffic');
    expect(await answer.text()).toBe('21\n2');
    const bad = await invoke(server, 'linear', 'not-a-number');
    expect(bad.status).toBe(424);
    expect(await bad.json()).toMatchObject({ __type: 'ModelError' });

    const endpointContext = (await sm.send(new ListContextsCommand({ SourceUri: ep.EndpointArn }))).ContextSummaries?.[0]?.ContextArn as string;
    const raw = await artifactOf(sm, 's3://stemma-demo/raw/raw.csv');
    const processedTrain = await artifactOf(sm, 's3://stemma-demo/processed/train');
    const processedTest = await artifactOf(sm, 's3://stemma-demo/processed/test');
    const code = await artifactOf(sm, 's3://stemma-demo/code/preprocess.py');
    const trainTc = (await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'train-aws-training-job' }))).TrialComponentArn as string;

    // Which datasets trained the model behind this endpoint?
    expect(await vertices(sm, endpointContext, 'Ascendants', { LineageTypes: ['Artifact'], Types: ['DataSet'] })).toEqual([processedTrain, raw, code].sort());
    // Which endpoints does a dataset reach? The raw data reaches this one; the unused test split none.
    expect(await vertices(sm, raw, 'Descendants', { LineageTypes: ['Context'], Types: ['Endpoint'] })).toEqual([endpointContext]);
    expect(await vertices(sm, processedTest, 'Descendants', { LineageTypes: ['Context'], Types: ['Endpoint'] })).toEqual([]);
    // Which training jobs produced the model, and in which pipeline execution?
    expect(await vertices(sm, endpointContext, 'Ascendants', { LineageTypes: ['TrialComponent'], Types: ['TrainingJob'] })).toEqual([trainTc]);
    const source = (await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'train-aws-training-job' }))).Source;
    expect(source).toEqual({ SourceArn: train.TrainingJobArn, SourceType: 'SageMakerTrainingJob' });
    const tags = await sm.send(new ListTagsCommand({ ResourceArn: source?.SourceArn }));
    expect(tags.Tags).toEqual([{ Key: 'sagemaker:pipeline-execution-arn', Value: EXECUTION }]);
    // The deployment: one ModelDeployment action, fed by the model data, the image and the package.
    const deployment = await vertices(sm, endpointContext, 'Ascendants', { LineageTypes: ['Action'] });
    expect(deployment).toHaveLength(2); // the ModelDeployment, and (through the package) its Approval
    const model = await artifactOf(sm, modelData);
    expect(await vertices(sm, model, 'Descendants', { LineageTypes: ['Context'] })).toEqual(
      [endpointContext, (await sm.send(new ListContextsCommand({ ContextType: 'ModelGroup' }))).ContextSummaries?.[0]?.ContextArn as string].sort(),
    );

    // Batch transform through the same model: one answer per line, assembled by line.
    await putObject(server, 'stemma-demo/batch/input.csv', '10\n0.5\n');
    await sm.send(
      new CreateTransformJobCommand({
        TransformJobName: 'score',
        ModelName: 'linear-v1',
        BatchStrategy: 'SingleRecord',
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://stemma-demo/batch/' } }, ContentType: 'text/csv', SplitType: 'Line' },
        TransformOutput: { S3OutputPath: 's3://stemma-demo/batch-out', AssembleWith: 'Line' },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      }),
    );
    const scored = await waitFor(() => sm.send(new DescribeTransformJobCommand({ TransformJobName: 'score' })), (d) => d.TransformJobStatus);
    expect(scored.FailureReason).toBeUndefined();
    expect(scored.TransformJobStatus).toBe('Completed');
    expect(await (await getObject(server, 'stemma-demo/batch-out/input.csv.out')).text()).toBe('21\n2');
    const scoreTc = (await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'score-aws-transform-job' }))).TrialComponentArn as string;
    expect(await vertices(sm, await artifactOf(sm, modelData), 'Descendants', { LineageTypes: ['TrialComponent'], Types: ['TransformJob'] })).toEqual([scoreTc]);
    expect(await vertices(sm, scoreTc, 'Descendants', { LineageTypes: ['Artifact'] })).toEqual([await artifactOf(sm, 's3://stemma-demo/batch-out')]);
    expect(await vertices(sm, scoreTc, 'Ascendants', { LineageTypes: ['Artifact'], Types: ['DataSet'] })).toContain(await artifactOf(sm, 's3://stemma-demo/batch/'));

    // UpdateEndpoint deploys the new config and records the replacement as a second ModelDeployment.
    await sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'linear-config-2', ProductionVariants: [{ VariantName: 'Blue', ModelName: 'linear-v1' }] }));
    await sm.send(new UpdateEndpointCommand({ EndpointName: 'linear', EndpointConfigName: 'linear-config-2' }));
    const updated = await waitFor(
      () => sm.send(new DescribeEndpointCommand({ EndpointName: 'linear' })),
      (d) => (d.EndpointStatus === 'Updating' ? 'InProgress' : d.EndpointStatus),
    );
    expect(updated).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'linear-config-2', ProductionVariants: [{ VariantName: 'Blue' }] });
    expect((await invoke(server, 'linear', '1')).headers.get('x-amzn-invoked-production-variant')).toBe('Blue');
    const deployments = await sm.send(new QueryLineageCommand({ StartArns: [endpointContext], Direction: 'Ascendants', MaxDepth: 1, Filters: { Types: ['ModelDeployment'] } }));
    expect(deployments.Vertices).toHaveLength(2);

    // Deleting the endpoint stops its model: nothing is left serving.
    await sm.send(new DeleteEndpointCommand({ EndpointName: 'linear' }));
    const gone = await invoke(server, 'linear', '1');
    expect(gone.status).toBe(400);
    expect(await gone.json()).toMatchObject({ __type: 'ValidationError' });
  });

  it('fails an endpoint whose model cannot start, and refuses unknown configs and models', async () => {
    await sm.send(new CreateModelCommand({ ModelName: 'unmapped', PrimaryContainer: { Image: 'acme/private-server:1' } }));
    await sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'unmapped', ProductionVariants: [{ VariantName: 'v', ModelName: 'unmapped' }] }));
    await sm.send(new CreateEndpointCommand({ EndpointName: 'unmapped', EndpointConfigName: 'unmapped' }));
    const failed = await waitFor(
      () => sm.send(new DescribeEndpointCommand({ EndpointName: 'unmapped' })),
      (d) => (d.EndpointStatus === 'Creating' ? 'InProgress' : d.EndpointStatus),
    );
    expect(failed.EndpointStatus).toBe('Failed');
    expect(failed.FailureReason).toMatch(/No local command is configured for image acme\/private-server:1/);
    expect((await invoke(server, 'unmapped', '1')).status).toBe(400);

    // Lists: newest first by default, filtered by name and status, one page at a time.
    await sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'unmapped-b', ProductionVariants: [{ VariantName: 'v', ModelName: 'unmapped' }] }));
    const configNames = async (input: ListEndpointConfigsCommandInput): Promise<(string | undefined)[]> =>
      ((await sm.send(new ListEndpointConfigsCommand({ NameContains: 'unmapped', ...input }))).EndpointConfigs ?? []).map((c) => c.EndpointConfigName);
    expect(await configNames({})).toEqual(['unmapped-b', 'unmapped']);
    expect(await configNames({ SortBy: 'Name', SortOrder: 'Ascending' })).toEqual(['unmapped', 'unmapped-b']);
    const first = await sm.send(new ListEndpointConfigsCommand({ NameContains: 'unmapped', MaxResults: 1 }));
    expect(first.EndpointConfigs?.map((c) => c.EndpointConfigName)).toEqual(['unmapped-b']);
    expect(await configNames({ MaxResults: 1, NextToken: first.NextToken })).toEqual(['unmapped']);
    const failedEndpoints = await sm.send(new ListEndpointsCommand({ StatusEquals: 'Failed' }));
    expect(failedEndpoints.Endpoints?.map((e) => [e.EndpointName, e.EndpointStatus])).toEqual([['unmapped', 'Failed']]);
    expect((await sm.send(new ListEndpointsCommand({ StatusEquals: 'InService', NameContains: 'unmapped' }))).Endpoints).toEqual([]);
    await sm.send(new DeleteEndpointCommand({ EndpointName: 'unmapped' }));

    const noConfig = await awsError(sm.send(new CreateEndpointCommand({ EndpointName: 'x', EndpointConfigName: 'none' })));
    expect(noConfig).toMatchObject({ name: 'ValidationException' });
    expect(noConfig.message).toMatch(/Could not find endpoint configuration/);
    const noModel = await awsError(sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'c', ProductionVariants: [{ VariantName: 'v', ModelName: 'none' }] })));
    expect(noModel.message).toMatch(/Could not find model/);
    expect(await awsError(sm.send(new DescribeEndpointCommand({ EndpointName: 'x' })))).toMatchObject({ name: 'ResourceNotFound' });
  });
});
