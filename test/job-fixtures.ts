/** Shared by the job tests: demo data and scripts, job definitions, and waiting for a job to end. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateProcessingJobCommandInput, CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { expect } from 'vitest';
import type { TestServer } from './harness.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'jobs');
export const SKLEARN = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const ROLE = 'arn:aws:iam::000000000000:role/stemma';

export async function putObject(server: TestServer, bucketAndKey: string, body: string | Buffer): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/objects/${bucketAndKey}`, { method: 'PUT', body });
  expect(res.status).toBe(200);
}

export async function getObject(server: TestServer, bucketAndKey: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/objects/${bucketAndKey}`);
}

/** Polls until the status is terminal (no timing is asserted). */
export async function waitFor<T>(read: () => Promise<T>, status: (t: T) => string | undefined): Promise<T> {
  for (;;) {
    const t = await read();
    const s = status(t);
    if (s !== 'InProgress' && s !== 'Stopping') return t;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function processingJob(name: string, overrides: Partial<CreateProcessingJobCommandInput> = {}): CreateProcessingJobCommandInput {
  return {
    ProcessingJobName: name,
    RoleArn: ROLE,
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 } },
    AppSpecification: {
      ImageUri: SKLEARN,
      ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'],
      ContainerArguments: ['--input', '/opt/ml/processing/input/raw', '--output', '/opt/ml/processing/output'],
    },
    ProcessingInputs: [
      { InputName: 'raw', S3Input: { S3Uri: 's3://stemma-demo/raw/raw.csv', LocalPath: '/opt/ml/processing/input/raw', S3DataType: 'S3Prefix', S3InputMode: 'File' } },
      { InputName: 'code', S3Input: { S3Uri: 's3://stemma-demo/code/preprocess.py', LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File' } },
    ],
    ProcessingOutputConfig: {
      Outputs: [
        { OutputName: 'train', S3Output: { S3Uri: 's3://stemma-demo/processed/train', LocalPath: '/opt/ml/processing/output/train', S3UploadMode: 'EndOfJob' } },
        { OutputName: 'test', S3Output: { S3Uri: 's3://stemma-demo/processed/test', LocalPath: '/opt/ml/processing/output/test', S3UploadMode: 'EndOfJob' } },
      ],
    },
    ...overrides,
  };
}

export function trainingJob(name: string, overrides: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    RoleArn: ROLE,
    AlgorithmSpecification: {
      TrainingImage: SKLEARN,
      TrainingInputMode: 'File',
      MetricDefinitions: [{ Name: 'train:loss', Regex: 'train_loss=([0-9.]+)' }],
    },
    HyperParameters: { sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://stemma-demo/code/train"', epochs: '2' },
    InputDataConfig: [
      { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://stemma-demo/processed/train' } } },
    ],
    OutputDataConfig: { S3OutputPath: 's3://stemma-demo/models' },
    ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    ...overrides,
  };
}

export async function uploadDemoData(server: TestServer): Promise<void> {
  const rows = ['x,y', '1,3', '2,5', '3,', '4,9', '5,11', '6,13', '7,15', '8,17', '9,19'];
  await putObject(server, 'stemma-demo/raw/raw.csv', `${rows.join('\n')}\n`);
  await putObject(server, 'stemma-demo/code/preprocess.py', readFileSync(join(FIXTURES, 'preprocess.py')));
  await putObject(server, 'stemma-demo/code/train/train.py', readFileSync(join(FIXTURES, 'train.py')));
  await putObject(server, 'stemma-demo/code/serve/serve.py', readFileSync(join(FIXTURES, 'serve.py')));
}

