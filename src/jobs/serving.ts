/**
 * A model served the way SageMaker hosts one: its container listens on a port and answers
 * `GET /ping` (ready when 200) and `POST /invocations` (SageMaker's inference container contract).
 * The model data is unpacked into `/opt/ml/model`, the code (SAGEMAKER_SUBMIT_DIRECTORY) into
 * `/opt/ml/code`; the process is told its port through `SAGEMAKER_BIND_TO_PORT` (and `PORT`). With
 * SAGEMAKER_PROGRAM it runs `<image command> <program>`, otherwise `<image command> serve`, as
 * SageMaker runs a container for hosting.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ObjectStore } from './object-store.js';
import type { ContainerRuntime, RunningContainer } from './runtime.js';
import { LOG_FILE, hostPath, optMlOf } from './job-run.js';

const exec = promisify(execFile);

export interface ServingPlan {
  readonly workDir: string;
  readonly image: string;
  readonly modelDataUrl?: string;
  readonly environment: Readonly<Record<string, string>>;
  /** How long the model may take to answer its first ping. */
  readonly startTimeoutMs: number;
}

export interface InvocationResult {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

export interface ServingHandle {
  /** Resolves when the model answers /ping; rejects with a reason when it cannot start. */
  readonly ready: Promise<void>;
  /** Resolves when the serving process has ended (after stop, or by itself). */
  readonly ended: Promise<void>;
  invoke(body: Buffer, contentType: string | undefined, accept: string | undefined): Promise<InvocationResult>;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Unpacks model data: a `.tar.gz` is extracted, anything else downloaded as is. */
export async function unpackInto(objects: ObjectStore, uri: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (!/\.tar\.gz$|\.tgz$/.test(uri)) {
    await objects.download(uri, dir);
    return;
  }
  const temp = await mkdtemp(join(dir, '.unpack-'));
  try {
    await objects.download(uri, temp);
    const name = uri.split('/').pop() as string;
    await exec('tar', ['-xzf', join(temp, name), '-C', dir]);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

export function startServing(plan: ServingPlan, deps: { runtime: ContainerRuntime; objects: ObjectStore }): ServingHandle {
  let container: RunningContainer | undefined;
  let stopped = false;
  let port = 0;
  let endedResolve: () => void = () => undefined;
  const ended = new Promise<void>((r) => {
    endedResolve = r;
  });

  async function start(): Promise<void> {
    const optMl = optMlOf(plan.workDir);
    await mkdir(join(plan.workDir, 'logs'), { recursive: true });
    const log = createWriteStream(join(plan.workDir, LOG_FILE), { flags: 'a' });
    const code = hostPath(plan.workDir, '/opt/ml/code');
    try {
      if (plan.modelDataUrl !== undefined) await unpackInto(deps.objects, plan.modelDataUrl, hostPath(plan.workDir, '/opt/ml/model'));
      else await mkdir(hostPath(plan.workDir, '/opt/ml/model'), { recursive: true });
      const submit = plan.environment['SAGEMAKER_SUBMIT_DIRECTORY'];
      if (submit !== undefined) await unpackInto(deps.objects, submit, code);
      else await mkdir(code, { recursive: true });
    } catch (e) {
      log.end();
      endedResolve();
      throw new Error(`could not fetch the model's data or code: ${e instanceof Error ? e.message : String(e)}`);
    }
    port = await freePort();
    // Checked with no await before the container starts: a stop that came earlier had no
    // container to end, and one that comes later finds it.
    if (stopped) {
      log.end();
      endedResolve();
      throw new Error('stopped before it was ready');
    }
    const program = plan.environment['SAGEMAKER_PROGRAM'];
    container = deps.runtime.run({
      image: plan.image,
      arguments: [program ?? 'serve'],
      environment: { SM_MODEL_DIR: '/opt/ml/model', ...plan.environment, SAGEMAKER_BIND_TO_PORT: String(port), PORT: String(port) },
      optMl,
      cwd: code,
      onOutput: (chunk) => log.write(chunk),
    });
    const exit = container.exit.then((e) => {
      log.end();
      endedResolve();
      return e;
    });
    const deadline = Date.now() + plan.startTimeoutMs;
    let exited: Awaited<typeof exit> | undefined;
    void exit.then((e) => {
      exited = e;
    });
    for (;;) {
      if (exited) {
        const tail = (await readFile(join(plan.workDir, LOG_FILE), 'utf8').catch(() => '')).trimEnd().split('\n').slice(-5).join('\n');
        const how = exited.kind === 'refused' ? exited.reason : `the serving process exited with code ${exited.code} before answering /ping`;
        throw new Error(tail === '' ? how : `${how}. Last lines of its log:\n${tail.slice(-800)}`);
      }
      if (stopped) throw new Error('stopped before it was ready');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        container.stop();
        throw new Error(`the model did not answer /ping within ${Math.round(plan.startTimeoutMs / 1000)} s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const ready = start();
  ready.catch(() => undefined);
  return {
    ready,
    ended,
    stop: () => {
      stopped = true;
      if (container) container.stop();
    },
    invoke: async (body, contentType, accept) => {
      const headers: Record<string, string> = {};
      if (contentType !== undefined) headers['content-type'] = contentType;
      if (accept !== undefined) headers['accept'] = accept;
      const res = await fetch(`http://127.0.0.1:${port}/invocations`, { method: 'POST', headers, body });
      return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: Buffer.from(await res.arrayBuffer()) };
    },
  };
}
