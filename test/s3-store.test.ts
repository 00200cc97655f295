/**
 * Stemma with `s3://` on a real S3-compatible endpoint (s3rver): a training job reads its code and
 * data from the endpoint and writes model.tar.gz there, the lineage names the s3:// URIs, the
 * `/api/v1/objects` route reads and writes the endpoint, and every failure of the endpoint (no
 * bucket, no key, nobody listening) is a clear FailureReason or a 4xx/503, never a 500.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  DescribeTrialComponentCommand,
  ListArtifactsCommand,
  QueryLineageCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServe, waitForExit } from './cli-process.js';
import type { TestServer } from './harness.js';
import { startTestServer, tempDir } from './harness.js';
import { SKLEARN, trainingJob, waitFor } from './job-fixtures.js';
import type { TestS3 } from './s3-server.js';
import { S3RVER_CREDENTIALS, startTestS3 } from './s3-server.js';

const BUCKET = 'stemma-s3-demo';
const TRAIN_PY = readFileSync(join(import.meta.dirname, 'fixtures', 'jobs', 'train.py'));
const SERVE_PY = readFileSync(join(import.meta.dirname, 'fixtures', 'jobs', 'serve.py'));

function s3Training(name: string, overrides: Parameters<typeof trainingJob>[1] = {}): ReturnType<typeof trainingJob> {
  return trainingJob(name, {
    HyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: `s3://${BUCKET}/code/train`, epochs: '2' },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/data/train` } } }],
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/models` },
    ...overrides,
  });
}

describe('s3:// on an S3-compatible endpoint', () => {
  let s3: TestS3;
  let server: TestServer;
  let sm: SageMakerClient;
  beforeAll(async () => {
    s3 = await startTestS3();
    await s3.createBucket(BUCKET);
    const put = (Key: string, Body: string | Buffer): Promise<unknown> => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
    await put('code/train/train.py', TRAIN_PY);
    await put('code/serve/serve.py', SERVE_PY);
    await put('batch/input.csv', '10\n0.5\n');
    await put('data/train/train.csv', 'x,y\n1,3\n2,5\n4,9\n5,11\n');
    server = await startTestServer({ s3: { endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS, maxAttempts: 1 } });
    sm = server.client();
  });
  afterAll(async () => {
    await server.close();
    await s3.close();
  });

  it('trains from the endpoint, writes model.tar.gz to it, and records the s3:// URIs in the lineage', async () => {
    await sm.send(new CreateTrainingJobCommand(s3Training('s3-train-1')));
    const job = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 's3-train-1' })), (d) => d.TrainingJobStatus);
    expect(job.FailureReason).toBeUndefined();
    expect(job.TrainingJobStatus).toBe('Completed');
    const modelUri = `s3://${BUCKET}/models/s3-train-1/output/model.tar.gz`;
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe(modelUri);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'models/s3-train-1/output/model.tar.gz' }));
    expect(head.ContentLength).toBeGreaterThan(0);
    // The objects route lists the endpoint's objects.
    const listed = (await fetch(`${server.url}/api/v1/objects/${BUCKET}/models/`).then((r) => r.json())) as { Objects: { Key: string }[] };
    expect(listed.Objects.map((o) => o.Key)).toEqual(['models/s3-train-1/output/model.tar.gz', 'models/s3-train-1/output/output.tar.gz']);

    const tc = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 's3-train-1-aws-training-job' }));
    expect(tc.OutputArtifacts?.['SageMaker.ModelArtifact']?.Value).toBe(modelUri);
    const model = await sm.send(new ListArtifactsCommand({ SourceUri: modelUri }));
    expect(model.ArtifactSummaries?.map((a) => a.ArtifactType)).toEqual(['Model']);
    const ascendants = await sm.send(
      new QueryLineageCommand({ StartArns: [model.ArtifactSummaries?.[0]?.ArtifactArn as string], Direction: 'Ascendants', Filters: { LineageTypes: ['Artifact'], Types: ['DataSet'] } }),
    );
    const dataset = await sm.send(new ListArtifactsCommand({ SourceUri: `s3://${BUCKET}/data/train` }));
    expect(ascendants.Vertices?.map((v) => v.Arn)).toEqual(dataset.ArtifactSummaries?.map((a) => a.ArtifactArn));
    expect(dataset.ArtifactSummaries).toHaveLength(1);
  });

  it('serves the trained model from the endpoint for a batch transform that writes its answers there', async () => {
    await sm.send(
      new CreateModelCommand({
        ModelName: 's3-linear',
        PrimaryContainer: {
          Image: SKLEARN,
          ModelDataUrl: `s3://${BUCKET}/models/s3-train-1/output/model.tar.gz`,
          Environment: { SAGEMAKER_PROGRAM: 'serve.py', SAGEMAKER_SUBMIT_DIRECTORY: `s3://${BUCKET}/code/serve` },
        },
      }),
    );
    await sm.send(
      new CreateTransformJobCommand({
        TransformJobName: 's3-score',
        ModelName: 's3-linear',
        BatchStrategy: 'SingleRecord',
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/batch/` } }, ContentType: 'text/csv', SplitType: 'Line' },
        TransformOutput: { S3OutputPath: `s3://${BUCKET}/batch-out`, AssembleWith: 'Line' },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      }),
    );
    const scored = await waitFor(() => sm.send(new DescribeTransformJobCommand({ TransformJobName: 's3-score' })), (d) => d.TransformJobStatus);
    expect(scored.FailureReason).toBeUndefined();
    expect(scored.TransformJobStatus).toBe('Completed');
    const out = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'batch-out/input.csv.out' }));
    expect(await out.Body?.transformToString()).toBe('21\n2');
  });

  it('fails a job whose bucket or input is missing with a reason naming it and the endpoint', async () => {
    await sm.send(
      new CreateTrainingJobCommand(
        s3Training('s3-no-bucket', {
          InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://no-such-bucket/data/train' } } }],
        }),
      ),
    );
    const noBucket = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 's3-no-bucket' })), (d) => d.TrainingJobStatus);
    expect(noBucket.TrainingJobStatus).toBe('Failed');
    expect(noBucket.FailureReason).toBe(
      `ClientError: could not download channel train from s3://no-such-bucket/data/train: The bucket no-such-bucket does not exist at S3 endpoint ${s3.endpoint}.`,
    );

    await sm.send(new CreateTrainingJobCommand(s3Training('s3-no-model-bucket', { OutputDataConfig: { S3OutputPath: 's3://no-such-bucket/models' } })));
    const noOut = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 's3-no-model-bucket' })), (d) => d.TrainingJobStatus);
    expect(noOut.TrainingJobStatus).toBe('Failed');
    expect(noOut.FailureReason).toContain(`The bucket no-such-bucket does not exist at S3 endpoint ${s3.endpoint}.`);

    await sm.send(
      new CreateTrainingJobCommand(
        s3Training('s3-no-key', { InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/data/none` } } }] }),
      ),
    );
    const noKey = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 's3-no-key' })), (d) => d.TrainingJobStatus);
    expect(noKey.FailureReason).toContain(`No object exists under s3://${BUCKET}/data/none (S3 endpoint ${s3.endpoint}).`);
  });

  it('serves /api/v1/objects from the endpoint, with S3 error codes for what is missing', async () => {
    const put = await fetch(`${server.url}/api/v1/objects/${BUCKET}/uploads/a%20b.csv`, { method: 'PUT', body: 'a,b\n' });
    expect(put.status).toBe(200);
    const direct = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/a b.csv' }));
    expect(await direct.Body?.transformToString()).toBe('a,b\n');
    expect(await (await fetch(`${server.url}/api/v1/objects/${BUCKET}/uploads/a%20b.csv`)).text()).toBe('a,b\n');

    const noKey = await fetch(`${server.url}/api/v1/objects/${BUCKET}/uploads/none`);
    expect([noKey.status, ((await noKey.json()) as { __type: string }).__type]).toEqual([404, 'NoSuchKey']);
    const noBucket = await fetch(`${server.url}/api/v1/objects/no-such-bucket/k`, { method: 'PUT', body: 'x' });
    expect(noBucket.status).toBe(404);
    expect(await noBucket.json()).toMatchObject({ __type: 'NoSuchBucket', message: `The bucket no-such-bucket does not exist at S3 endpoint ${s3.endpoint}.` });
  });
});

describe('s3:// on an endpoint nobody listens on', () => {
  it('answers 503 on /api/v1/objects and fails jobs with a reason, never a 500', async () => {
    const server = await startTestServer({ s3: { endpoint: 'http://127.0.0.1:9', credentials: S3RVER_CREDENTIALS, maxAttempts: 1 } });
    try {
      const res = await fetch(`${server.url}/api/v1/objects/${BUCKET}/k`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ __type: 'ServiceUnavailable', message: expect.stringContaining('Cannot reach S3 endpoint http://127.0.0.1:9') as unknown });
      const sm = server.client();
      await sm.send(new CreateTrainingJobCommand(s3Training('s3-unreachable')));
      const job = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 's3-unreachable' })), (d) => d.TrainingJobStatus);
      expect(job.TrainingJobStatus).toBe('Failed');
      expect(job.FailureReason).toMatch(/^ClientError: could not .* Cannot reach S3 endpoint http:\/\/127\.0\.0\.1:9/);
    } finally {
      await server.close();
    }
  });
});

describe('stemma serve --s3-endpoint', () => {
  it('takes credentials from the AWS environment variables', async () => {
    const s3 = await startTestS3();
    const data = tempDir('stemma-s3-serve-');
    try {
      await s3.createBucket('serve-flag');
      const serve = await spawnServe(['--data', data, '--s3-endpoint', s3.endpoint], { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
      try {
        const put = await fetch(`${serve.url}/api/v1/objects/serve-flag/hello.txt`, { method: 'PUT', body: 'hi' });
        expect(put.status).toBe(200);
      } finally {
        serve.child.kill('SIGTERM');
        await waitForExit(serve.child);
      }
      const got = await s3.client.send(new GetObjectCommand({ Bucket: 'serve-flag', Key: 'hello.txt' }));
      expect(await got.Body?.transformToString()).toBe('hi');
    } finally {
      await s3.close();
    }
  });
});
