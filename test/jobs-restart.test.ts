/**
 * A server that starts after an unclean stop finds its jobs still marked InProgress (their processes
 * died with it) and gives each a clear terminal state, never leaving one stuck.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateHyperParameterTuningJobCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeTrainingJobCommand,
  DescribeTrialComponentCommand,
  StopHyperParameterTuningJobCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { startTestServer, tempDir, testBackend } from './harness.js';
import { freshDatabase } from './postgres-databases.js';
import { putObject, SKLEARN, trainingJob, waitFor } from './job-fixtures.js';

/** The code of a job that runs until it is stopped. */
const SLOW = 'import time\nwhile True:\n    time.sleep(0.05)\n';

/**
 * Runs a test against a server with a data directory (and, on PostgreSQL, a database) of its own.
 * `restart` closes that server and starts another on the same data.
 */
async function withRestartableServer(test: (first: TestServer, restart: () => Promise<TestServer>) => Promise<void>): Promise<void> {
  const dataDir = tempDir();
  const database = testBackend() === 'postgres' ? await freshDatabase() : undefined;
  let server = await startTestServer({ dataDir, db: database?.url, stopGraceMs: 100 });
  try {
    await test(server, async () => {
      await server.close();
      server = await startTestServer({ dataDir, db: database?.url });
      return server;
    });
  } finally {
    await server.close();
    await database?.drop();
  }
}

describe('jobs across a server restart', () => {
  it('marks the jobs a stopped server was running as Failed, saying why, and leaves other runners\' jobs alone', () =>
    withRestartableServer(async (server, restart) => {
      const sm = server.client();
      await putObject(server, 'stemma-demo/code/slow/train.py', SLOW);
      await putObject(server, 'stemma-demo/processed/train/train.csv', 'x,y\n1,2\n');
      await sm.send(new CreateTrainingJobCommand(trainingJob('interrupted', { HyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: 's3://stemma-demo/code/slow' } })));
      await sm.send(new StopTrainingJobCommand({ TrainingJobName: 'interrupted' }));
      await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'interrupted' })), (d) => d.TrainingJobStatus);
      // What a crash leaves behind: the rows still say InProgress. One job belongs to another replica.
      const store = server.running.store;
      await store.transaction(async (tx) => {
        const job = await tx.getResource({ account: '000000000000', region: 'us-east-1' }, 'training-job', 'interrupted');
        if (!job) throw new Error('job row missing');
        await tx.updateResource(job.id, { status: 'InProgress', doc: { ...job.doc, TrainingJobStatus: 'InProgress' }, modifiedAt: job.modifiedAt });
        await tx.insertResource({
          ...job,
          name: 'elsewhere',
          arn: job.arn.replace('interrupted', 'elsewhere'),
          status: 'InProgress',
          doc: { ...job.doc, TrainingJobName: 'elsewhere', TrainingJobStatus: 'InProgress', _runner: 'another-host:/var/lib/stemma' },
        });
      });
      const sm2 = (await restart()).client();
      const job = await sm2.send(new DescribeTrainingJobCommand({ TrainingJobName: 'interrupted' }));
      expect(job).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: 'The Stemma server restarted while the job was running.' });
      const tc = await sm2.send(new DescribeTrialComponentCommand({ TrialComponentName: 'interrupted-aws-training-job' }));
      expect(tc.Status).toEqual({ PrimaryStatus: 'Failed', Message: 'The Stemma server restarted while the job was running.' });
      const other = await sm2.send(new DescribeTrainingJobCommand({ TrainingJobName: 'elsewhere' }));
      // One embedded store has one server; on PostgreSQL the other replica still runs its job.
      expect(other.TrainingJobStatus).toBe(testBackend() === 'postgres' ? 'InProgress' : 'Failed');
    }));

  it('marks an interrupted tuning job Failed too, saying why', () =>
    withRestartableServer(async (server, restart) => {
      const sm = server.client();
      await putObject(server, 'stemma-demo/code/slow/train.py', SLOW);
      await sm.send(
        new CreateHyperParameterTuningJobCommand({
          HyperParameterTuningJobName: 'interrupted-tuning',
          HyperParameterTuningJobConfig: {
            Strategy: 'Random',
            HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'objective' },
            ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 },
            ParameterRanges: { IntegerParameterRanges: [{ Name: 'x', MinValue: '1', MaxValue: '5' }] },
          },
          TrainingJobDefinition: {
            AlgorithmSpecification: { TrainingImage: SKLEARN, TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'objective', Regex: 'objective=([0-9.]+)' }] },
            StaticHyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: 's3://stemma-demo/code/slow' },
            RoleArn: 'arn:aws:iam::000000000000:role/stemma',
            OutputDataConfig: { S3OutputPath: 's3://stemma-demo/tuning' },
            ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 },
            StoppingCondition: { MaxRuntimeInSeconds: 600 },
          },
        }),
      );
      await sm.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'interrupted-tuning' }));
      await waitFor(
        () => sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'interrupted-tuning' })),
        (d) => d.HyperParameterTuningJobStatus,
      );
      // What a crash leaves behind: the row still says InProgress.
      await server.running.store.transaction(async (tx) => {
        const job = await tx.getResource({ account: '000000000000', region: 'us-east-1' }, 'hyper-parameter-tuning-job', 'interrupted-tuning');
        if (!job) throw new Error('tuning job row missing');
        await tx.updateResource(job.id, { status: 'InProgress', doc: { ...job.doc, HyperParameterTuningJobStatus: 'InProgress' }, modifiedAt: job.modifiedAt });
      });
      const job = await (await restart()).client().send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'interrupted-tuning' }));
      expect(job).toMatchObject({ HyperParameterTuningJobStatus: 'Failed', FailureReason: 'The Stemma server restarted while the job was running.' });
      expect(job.HyperParameterTuningEndTime).toBeInstanceOf(Date);
    }));

  it('serves its endpoints again after a restart', () =>
    withRestartableServer(async (first, restart) => {
      let server = first;
      const sm = server.client();
      await putObject(server, 'stemma-demo/code/const/serve.py', CONSTANT_SERVER);
      await sm.send(
        new CreateModelCommand({
          ModelName: 'constant',
          PrimaryContainer: { Image: SKLEARN, Environment: { SAGEMAKER_PROGRAM: 'serve.py', SAGEMAKER_SUBMIT_DIRECTORY: 's3://stemma-demo/code/const' } },
        }),
      );
      await sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'constant', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'constant' }] }));
      await sm.send(new CreateEndpointCommand({ EndpointName: 'constant', EndpointConfigName: 'constant' }));
      const ready = (): Promise<unknown> =>
        waitFor(
          () => server.client().send(new DescribeEndpointCommand({ EndpointName: 'constant' })),
          (d) => (d.EndpointStatus === 'Creating' ? 'InProgress' : d.EndpointStatus),
        );
      expect(await ready()).toMatchObject({ EndpointStatus: 'InService' });
      server = await restart();
      expect(await ready()).toMatchObject({ EndpointStatus: 'InService' });
      for (;;) {
        // The endpoint is InService in the database at once; its process answers once it has started.
        const res = await fetch(`${server.url}/endpoints/constant/invocations`, { method: 'POST', body: 'x' });
        if (res.status === 200) {
          expect(await res.text()).toBe('42');
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }));
});

const CONSTANT_SERVER = `
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def reply(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        self.reply(b"")
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.reply(b"42")
HTTPServer(("127.0.0.1", int(os.environ["SAGEMAKER_BIND_TO_PORT"])), H).serve_forever()
`;
