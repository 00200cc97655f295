import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageMap } from './image-map.js';
import type { JobPlan } from './job-run.js';
import { LOG_FILE, startJob } from './job-run.js';
import { FsBucketStore } from './fs-bucket-store.js';
import { ObjectStore } from './object-store.js';
import { ProcessRuntime } from './process-runtime.js';
import type { ContainerExit, ContainerRuntime } from './runtime.js';

function setup(): { objects: ObjectStore; deps: Parameters<typeof startJob>[1]; plan: (p: Partial<JobPlan>) => JobPlan; workDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'stemma-job-'));
  const objects = new ObjectStore(new FsBucketStore(join(root, 'objects')));
  const deps = { runtime: new ProcessRuntime({ images: new ImageMap(), stopGraceMs: 500 }), objects, now: () => Date.now() };
  const workDir = join(root, 'job');
  const plan = (p: Partial<JobPlan>): JobPlan => ({
    workDir,
    image: 'node:20',
    arguments: [],
    environment: {},
    inputs: [],
    outputs: [],
    files: {},
    metricDefinitions: [],
    ...p,
  });
  return { objects, deps, plan, workDir };
}

describe('a job run with the process runtime', () => {
  it('downloads inputs, runs the command with /opt/ml rewritten, captures logs and metrics, uploads outputs', async () => {
    const { objects, deps, plan, workDir } = setup();
    await objects.put('s3://input-bucket/data/x.txt', Buffer.from('21'));
    const script = `
      const fs = require('fs');
      const n = Number(fs.readFileSync('/opt/ml/processing/input/x.txt'.replace('/opt/ml', process.env.ML), 'utf8'));
      fs.writeFileSync(process.argv[1] + '/y.txt', String(n * 2));
      console.log('loss=0.5'); console.log('loss=0.25 acc: 0.9');`;
    const run = startJob(
      plan({
        entrypoint: ['node', '-e', script],
        arguments: ['/opt/ml/processing/output'],
        environment: { ML: '/opt/ml' },
        inputs: [{ uri: 's3://input-bucket/data', localPath: '/opt/ml/processing/input', label: 'input data' }],
        outputs: [{ localPath: '/opt/ml/processing/output', uri: 's3://out-bucket/result' }],
        metricDefinitions: [
          { Name: 'loss', Regex: 'loss=([0-9.]+)' },
          { Name: 'acc', Regex: 'acc: ([0-9.]+)' },
        ],
      }),
      deps,
    );
    const outcome = await run.outcome;
    expect(outcome.failureReason).toBeUndefined();
    expect(outcome).toMatchObject({ status: 'Completed' });
    expect(outcome.metrics.map((m) => [m.name, m.value])).toEqual([['loss', 0.5], ['loss', 0.25], ['acc', 0.9]]);
    expect((await objects.get('s3://out-bucket/result/y.txt')).toString()).toBe('42');
    expect(readFileSync(join(workDir, LOG_FILE), 'utf8')).toContain('loss=0.25');
  });

  it('fails with the reason the container wrote to /opt/ml/output/failure, or its exit code and log tail', async () => {
    const a = setup();
    const explained = await startJob(
      a.plan({ entrypoint: ['node', '-e', "require('fs').writeFileSync(process.argv[1], 'bad column'); process.exit(3)", '/opt/ml/output/failure'] }),
      a.deps,
    ).outcome;
    expect(explained).toMatchObject({ status: 'Failed', failureReason: 'AlgorithmError: bad column' });
    const b = setup();
    const plain = await startJob(b.plan({ entrypoint: ['node', '-e', "console.error('boom'); process.exit(2)"] }), b.deps).outcome;
    expect(plain.status).toBe('Failed');
    expect(plain.failureReason).toMatch(/exited with code 2[\s\S]*boom/);
  });

  it('fails clearly on an unmapped image, a missing input and a command that does not exist', async () => {
    const a = setup();
    expect((await startJob(a.plan({ image: 'acme/unknown:1', arguments: ['x'] }), a.deps).outcome).failureReason).toMatch(
      /No local command is configured for image acme\/unknown:1/,
    );
    const b = setup();
    const missing = await startJob(
      b.plan({ arguments: ['-e', '0'], inputs: [{ uri: 's3://input-bucket/none/', localPath: '/opt/ml/input/data/train', label: 'channel train' }] }),
      b.deps,
    ).outcome;
    expect(missing.failureReason).toMatch(/could not download channel train from s3:\/\/input-bucket\/none\//);
    const c = setup();
    expect((await startJob(c.plan({ entrypoint: ['no-such-command-stemma'] }), c.deps).outcome).failureReason).toMatch(/Could not start/);
  });

  it('ends in Stopped whenever the Stop comes, even while the job is still being set up', async () => {
    // A container that runs until it is stopped, so a Stop that misses it leaves the job running.
    let started = 0;
    const runtime: ContainerRuntime = {
      name: 'until-stopped',
      run: () => {
        started++;
        let stop = (): void => undefined;
        const exit = new Promise<ContainerExit>((resolve) => (stop = () => resolve({ kind: 'exited', code: null, signal: 'SIGTERM' })));
        return { stop: () => stop(), exit };
      },
    };
    // Stop after 0, 1, 2, … event-loop turns, through the whole set-up, until Stops reach a
    // container already started.
    let afterStart = 0;
    for (let turns = 0; afterStart < 3 && turns < 2_000; turns++) {
      const { deps, plan } = setup();
      const before = started;
      const run = startJob(plan({ files: { '/opt/ml/input/config/hyperparameters.json': '{}' } }), { ...deps, runtime });
      for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
      if (started > before) afterStart++;
      run.stop('user');
      const outcome = await Promise.race([run.outcome, new Promise((r) => setTimeout(() => r('still running'), 2_000))]);
      expect(outcome, `stopped after ${turns} event-loop turns`).toMatchObject({ status: 'Stopped', stoppedBy: 'user' });
    }
    expect(afterStart).toBe(3);
  });

  it('stops on request and at MaxRuntimeInSeconds, ending the whole process group', async () => {
    const a = setup();
    const run = startJob(a.plan({ entrypoint: ['node', '-e', "console.log('started'); setInterval(() => {}, 1000)"] }), a.deps);
    setTimeout(() => run.stop('user'), 200);
    expect(await run.outcome).toMatchObject({ status: 'Stopped', stoppedBy: 'user' });
    const b = setup();
    const timed = await startJob(b.plan({ entrypoint: ['node', '-e', 'setInterval(() => {}, 1000)'], maxRuntimeSeconds: 1 }), b.deps).outcome;
    expect(timed).toMatchObject({ status: 'Stopped', stoppedBy: 'max-runtime' });
    expect(timed.failureReason).toMatch(/MaxRuntimeInSeconds \(1\)/);
  });
});
