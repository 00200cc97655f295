/**
 * A server that starts after an unclean stop finds its jobs still marked InProgress (their processes
 * died with it) and gives each a clear terminal state, never leaving one stuck.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  DescribeTrialComponentCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { startTestServer, tempDir, testBackend } from './harness.js';
import { freshDatabase } from './postgres-databases.js';
import { putObject, SKLEARN, trainingJob, waitFor } from './job-fixtures.js';

describe('jobs across a server restart', () => {
  it('marks the jobs a stopped server was running as Failed, saying why, and leaves other runners\' jobs alone', async () => {
    const dataDir = tempDir();
    const database = testBackend() === 'postgres' ? await freshDatabase() : undefined;
    let server: TestServer = await startTestServer({ dataDir, db: database?.url, stopGraceMs: 100 });
    try {
      const sm = server.client();
      await putObject(server, 'stemma-demo/code/slow/train.py', 'import time\nwhile True:\n    time.sleep(0.05)\n');
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
      await server.close();
      server = await startTestServer({ dataDir, db: database?.url });
      const sm2 = server.client();
      const job = await sm2.send(new DescribeTrainingJobCommand({ TrainingJobName: 'interrupted' }));
      expect(job).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: 'The Stemma server restarted while the job was running.' });
      const tc = await sm2.send(new DescribeTrialComponentCommand({ TrialComponentName: 'interrupted-aws-training-job' }));
      expect(tc.Status).toEqual({ PrimaryStatus: 'Failed', Message: 'The Stemma server restarted while the job was running.' });
      const other = await sm2.send(new DescribeTrainingJobCommand({ TrainingJobName: 'elsewhere' }));
      // One embedded store has one server; on PostgreSQL the other replica still runs its job.
      expect(other.TrainingJobStatus).toBe(testBackend() === 'postgres' ? 'InProgress' : 'Failed');
    } finally {
      await server.close();
      await database?.drop();
    }
  });

  it('serves its endpoints again after a restart', async () => {
    const dataDir = tempDir();
    const database = testBackend() === 'postgres' ? await freshDatabase() : undefined;
    let server: TestServer = await startTestServer({ dataDir, db: database?.url });
    try {
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
      await server.close();
      server = await startTestServer({ dataDir, db: database?.url });
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
    } finally {
      await server.close();
      await database?.drop();
    }
  });
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
