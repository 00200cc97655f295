/**
 * `stemma logs`: a job's captured output, found by name among the three job kinds, through a server
 * (--endpoint) and embedded (--data); `--follow` prints the log as it grows and ends with the job.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CreateProcessingJobCommand, CreateTrainingJobCommand, DescribeProcessingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJob, followLog } from '../src/cli/commands/logs.js';
import { openTarget } from '../src/cli/target.js';
import type { ServeProcess } from './cli-process.js';
import { clientOf, runStemma, spawnServe, waitForExit } from './cli-process.js';
import { tempDir } from './harness.js';
import { processingJob, trainingJob, waitFor } from './job-fixtures.js';

const dirs: string[] = [];
let data: string;
let serve: ServeProcess;
let sm: SageMakerClient;

// Prints a line, waits until the gate file exists, prints another: the log grows while it runs.
const GATED = [
  'import os, sys, time',
  'print("before the gate", flush=True)',
  'while not os.path.exists(os.environ["GATE"]): time.sleep(0.05)',
  'print("after the gate", flush=True)',
  'sys.exit(int(os.environ.get("EXIT_CODE", "0")))',
].join('\n');

async function put(key: string, body: string): Promise<void> {
  const res = await fetch(`${serve.url}/api/v1/objects/cli-logs/${key}`, { method: 'PUT', body });
  expect(res.status).toBe(200);
}

function gatedTraining(name: string, gate: string, exitCode = 0): ReturnType<typeof trainingJob> {
  return trainingJob(name, {
    AlgorithmSpecification: { TrainingImage: 'python:3', TrainingInputMode: 'File' },
    HyperParameters: { sagemaker_program: 'gated.py', sagemaker_submit_directory: 's3://cli-logs/code' },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://cli-logs/data' } } }],
    OutputDataConfig: { S3OutputPath: 's3://cli-logs/models' },
    Environment: { GATE: gate, EXIT_CODE: String(exitCode) },
  });
}

beforeAll(async () => {
  data = tempDir('stemma-cli-logs-');
  dirs.push(data);
  serve = await spawnServe(['--data', data]);
  sm = clientOf(serve.url);
  await put('code/gated.py', GATED);
  await put('data/rows.csv', 'x\n1\n');
  const open = join(data, 'open-gate');
  writeFileSync(open, '');
  await sm.send(new CreateTrainingJobCommand(gatedTraining('done-1', open)));
  await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'done-1' })), (d) => d.TrainingJobStatus);
  // The same name for a training and a processing job: SageMaker allows it (names are per kind).
  await sm.send(new CreateTrainingJobCommand(gatedTraining('twin', open)));
  await sm.send(
    new CreateProcessingJobCommand(
      processingJob('twin', {
        AppSpecification: { ImageUri: 'python:3', ContainerEntrypoint: ['python3', '-c', 'print("processing twin")'] },
        ProcessingInputs: [],
        ProcessingOutputConfig: { Outputs: [] },
      }),
    ),
  );
  await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'twin' })), (d) => d.TrainingJobStatus);
  await waitFor(() => sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'twin' })), (d) => d.ProcessingJobStatus);
}, 60_000);

afterAll(async () => {
  sm.destroy();
  serve.child.kill('SIGTERM');
  await waitForExit(serve.child);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('stemma logs', () => {
  it("prints a finished job's log, found by name or ARN, through a server", async () => {
    const byName = await runStemma(['logs', 'done-1', '--endpoint', serve.url]);
    expect(byName).toMatchObject({ code: 0, stdout: 'before the gate\nafter the gate\n' });
    const byArn = await runStemma(['logs', 'arn:aws:sagemaker:us-east-1:000000000000:training-job/done-1', '--endpoint', serve.url]);
    expect(byArn.stdout).toBe(byName.stdout);
    const kinded = await runStemma(['logs', 'twin', '--kind', 'processing', '--endpoint', serve.url]);
    expect(kinded).toMatchObject({ code: 0, stdout: 'processing twin\n' });
  });

  it('says in one line when the name is ambiguous or matches no job, and exits 1', async () => {
    const twin = await runStemma(['logs', 'twin', '--endpoint', serve.url]);
    expect(twin).toMatchObject({ code: 1, stdout: '', stderr: 'stemma: twin names a training job or processing job: pass --kind training or --kind processing.\n' });
    const none = await runStemma(['logs', 'nope', '--endpoint', serve.url]);
    expect(none).toMatchObject({ code: 1, stderr: 'stemma: No training, processing or transform job named nope.\n' });
    const wrongKind = await runStemma(['logs', 'done-1', '--kind', 'transform', '--endpoint', serve.url]);
    expect(wrongKind).toMatchObject({ code: 1, stderr: 'stemma: No transform job named done-1.\n' });
    const badKind = await runStemma(['logs', 'done-1', '--kind', 'tuning', '--endpoint', serve.url]);
    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toMatch(/argument 'tuning' is invalid/);
  });

  it('follows a running job until it ends, printing each part of the log once', async () => {
    const gate = join(data, 'gate-follow');
    await sm.send(new CreateTrainingJobCommand(gatedTraining('follow-1', gate)));
    const target = await openTarget({ endpoint: serve.url });
    try {
      const job = await findJob(target.session, 'follow-1');
      expect(job.kind).toBe('training');
      const chunks: string[] = [];
      const end = await followLog(target, job, {
        intervalMs: 20,
        write: (chunk) => chunks.push(chunk.toString('utf8')),
        // The job waits at its gate until the follower has printed its first line.
        sleep: (ms) => {
          if (chunks.join('').includes('before the gate') && !existsSync(gate)) writeFileSync(gate, '');
          return new Promise((r) => setTimeout(r, ms));
        },
      });
      expect(end.status).toBe('Completed');
      expect(chunks.join('')).toBe('before the gate\nafter the gate\n');
      expect(chunks[0]).not.toContain('after the gate');
    } finally {
      await target.close();
    }
  });

  it('with --follow, exits 1 with the reason when the job fails, and 0 when it completes', async () => {
    const open = join(data, 'open-gate');
    await sm.send(new CreateTrainingJobCommand(gatedTraining('fails-1', open, 3)));
    const failed = await runStemma(['logs', 'fails-1', '--follow', '--interval', '50', '--endpoint', serve.url]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('before the gate\nafter the gate\n');
    expect(failed.stderr).toMatch(/^stemma: The training job fails-1 failed: AlgorithmError: the job's command exited with code 3/);
    const done = await runStemma(['logs', 'done-1', '--follow', '--endpoint', serve.url]);
    expect(done).toMatchObject({ code: 0, stdout: 'before the gate\nafter the gate\n', stderr: 'The training job done-1 is Completed.\n' });
  });

  it('reads the same log embedded on the data directory (--data)', async () => {
    const remote = await runStemma(['logs', 'done-1', '--endpoint', serve.url]);
    serve.child.kill('SIGTERM');
    await waitForExit(serve.child);
    const embedded = await runStemma(['logs', 'done-1', '--data', data]);
    expect(embedded).toMatchObject({ code: 0, stdout: remote.stdout });
  });
});
