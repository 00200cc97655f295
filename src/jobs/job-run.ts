/**
 * One run of a job, whatever its kind: lay out the `/opt/ml` directory, download the inputs, run the
 * container, capture its output (a log file, and metrics by MetricDefinitions regexes), honour Stop
 * and MaxRuntimeInSeconds, then upload the outputs. The caller (the API's job supervisor) turns the
 * outcome into the job's status and lineage.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ObjectStore } from './object-store.js';
import { ObjectStoreError } from './object-store.js';
import type { ContainerRuntime, RunningContainer } from './runtime.js';
import { rewriteOptMl } from './runtime.js';

const exec = promisify(execFile);

export interface JobInput {
  readonly uri: string;
  /** The container path (under /opt/ml) to fill. */
  readonly localPath: string;
  /** Named in FailureReason when the download fails. */
  readonly label: string;
}

export interface JobOutput {
  /** The container path (under /opt/ml) to upload. */
  readonly localPath: string;
  readonly uri: string;
  /** Upload the directory as one gzipped tarball at `uri` (a training job's model.tar.gz). */
  readonly tarball?: boolean;
  /** Upload even when the job failed or stopped (SageMaker keeps a stopped training job's model). */
  readonly evenIfStopped?: boolean;
}

export interface JobPlan {
  /** The job's own directory; `opt/ml` inside it stands in for the container's /opt/ml. */
  readonly workDir: string;
  readonly image: string;
  readonly entrypoint?: readonly string[];
  readonly arguments: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly inputs: readonly JobInput[];
  /** Source code to unpack into a directory before the run (training script mode). */
  readonly code?: { readonly uri: string; readonly localPath: string };
  readonly outputs: readonly JobOutput[];
  /** Files to write before the run, by container path (config JSON). */
  readonly files: Readonly<Record<string, string>>;
  readonly metricDefinitions: readonly { readonly Name: string; readonly Regex: string }[];
  readonly maxRuntimeSeconds?: number;
  /** The container working directory (a container path). */
  readonly cwd?: string;
}

export interface MetricValue {
  readonly name: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

export interface JobOutcome {
  readonly status: 'Completed' | 'Failed' | 'Stopped';
  /** Why the job stopped: a user's Stop, MaxRuntimeInSeconds, or the server shutting down. */
  readonly stoppedBy?: StopCause;
  readonly failureReason?: string;
  readonly metrics: readonly MetricValue[];
  readonly startedAt: number;
  readonly endedAt: number;
}

export type StopCause = 'user' | 'max-runtime' | 'shutdown';

export interface JobHandle {
  stop(cause: StopCause): void;
  readonly outcome: Promise<JobOutcome>;
}

export const LOG_FILE = 'logs/output.log';

export function optMlOf(workDir: string): string {
  return join(workDir, 'opt', 'ml');
}

/** Turns a container path (`/opt/ml/...`) into the job directory's path. */
export function hostPath(workDir: string, containerPath: string): string {
  return rewriteOptMl(containerPath, optMlOf(workDir));
}

/** Splits output into lines and matches each against the metric regexes (first capture group). */
class MetricScanner {
  private readonly defs: readonly { readonly name: string; readonly re: RegExp | undefined }[];
  private pending = '';
  readonly values: MetricValue[] = [];
  private readonly now: () => number;

  constructor(defs: JobPlan['metricDefinitions'], now: () => number) {
    this.now = now;
    this.defs = defs.map((d) => ({ name: d.Name, re: safeRegExp(d.Regex) }));
  }

  feed(chunk: string): void {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.scan(line);
  }

  end(): void {
    if (this.pending !== '') this.scan(this.pending);
    this.pending = '';
  }

  private scan(line: string): void {
    for (const d of this.defs) {
      const m = d.re?.exec(line);
      const text = m?.[1] ?? m?.[0];
      if (text === undefined) continue;
      const value = Number(text);
      if (Number.isFinite(value)) this.values.push({ name: d.name, value, timestamp: this.now() });
    }
  }
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** A MetricDefinitions regex JavaScript cannot compile; checked at create time. */
export function invalidMetricRegex(defs: JobPlan['metricDefinitions']): string | undefined {
  return defs.find((d) => safeRegExp(d.Regex) === undefined)?.Name;
}

function describeError(e: unknown): string {
  if (e instanceof ObjectStoreError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

export function startJob(plan: JobPlan, deps: { runtime: ContainerRuntime; objects: ObjectStore; now: () => number }): JobHandle {
  let container: RunningContainer | undefined;
  let stopCause: StopCause | undefined;
  let timer: NodeJS.Timeout | undefined;
  const startedAt = deps.now();
  const scanner = new MetricScanner(plan.metricDefinitions, deps.now);

  const stop = (cause: StopCause): void => {
    stopCause ??= cause;
    container?.stop();
  };

  const finish = (status: JobOutcome['status'], failureReason?: string): JobOutcome => ({
    status,
    stoppedBy: stopCause,
    failureReason,
    metrics: scanner.values,
    startedAt,
    endedAt: deps.now(),
  });

  async function run(): Promise<JobOutcome> {
    const optMl = optMlOf(plan.workDir);
    await mkdir(join(plan.workDir, 'logs'), { recursive: true });
    const log = createWriteStream(join(plan.workDir, LOG_FILE), { flags: 'a' });
    const closeLog = (): Promise<void> => new Promise((done) => log.end(done));
    try {
      for (const [path, content] of Object.entries(plan.files)) {
        const target = hostPath(plan.workDir, path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      // SageMaker's containers find these directories present.
      await mkdir(join(optMl, 'output'), { recursive: true });
      for (const out of plan.outputs) await mkdir(hostPath(plan.workDir, out.localPath), { recursive: true });
      for (const input of plan.inputs) {
        try {
          await deps.objects.download(input.uri, hostPath(plan.workDir, input.localPath));
        } catch (e) {
          return finish('Failed', `ClientError: could not download ${input.label} from ${input.uri}: ${describeError(e)}`);
        }
      }
      if (plan.code) {
        const codeDir = hostPath(plan.workDir, plan.code.localPath);
        try {
          await unpackCode(deps.objects, plan.code.uri, codeDir);
        } catch (e) {
          return finish('Failed', `ClientError: could not fetch the source code from ${plan.code.uri}: ${describeError(e)}`);
        }
      }
      const cwd = plan.cwd === undefined ? plan.workDir : hostPath(plan.workDir, plan.cwd);
      await mkdir(cwd, { recursive: true });
      // Checked with no await before the container starts: a Stop that came earlier had no
      // container to end, and one that comes later finds it.
      if (stopCause) return finish('Stopped');
      container = deps.runtime.run({
        image: plan.image,
        entrypoint: plan.entrypoint,
        arguments: plan.arguments,
        environment: plan.environment,
        optMl,
        cwd,
        onOutput: (chunk) => {
          log.write(chunk);
          scanner.feed(chunk.toString('utf8'));
        },
      });
      if (plan.maxRuntimeSeconds !== undefined) {
        timer = setTimeout(() => stop('max-runtime'), plan.maxRuntimeSeconds * 1000);
      }
      const exit = await container.exit;
      clearTimeout(timer);
      scanner.end();
      if (exit.kind === 'refused') return finish('Failed', `ClientError: ${exit.reason}`);
      const succeeded = exit.code === 0 && stopCause === undefined;
      const status: JobOutcome['status'] = succeeded ? 'Completed' : stopCause === 'user' || stopCause === 'max-runtime' ? 'Stopped' : 'Failed';
      for (const out of plan.outputs) {
        if (status === 'Completed' || (status === 'Stopped' && out.evenIfStopped)) {
          try {
            await uploadOutput(deps.objects, hostPath(plan.workDir, out.localPath), out);
          } catch (e) {
            return finish('Failed', `ClientError: could not upload ${out.localPath} to ${out.uri}: ${describeError(e)}`);
          }
        }
      }
      if (status === 'Completed') return finish('Completed');
      if (stopCause === 'shutdown') return finish('Failed', 'The Stemma server shut down while the job was running.');
      if (stopCause === 'max-runtime') {
        return finish('Stopped', `The job exceeded its MaxRuntimeInSeconds (${plan.maxRuntimeSeconds}) and was stopped.`);
      }
      if (stopCause === 'user') return finish('Stopped');
      const reported = await readFailureFile(optMl);
      const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      return finish('Failed', reported ?? `AlgorithmError: the job's command ${how}. See its logs for details.\n${await logTail(plan.workDir)}`.trim());
    } catch (e) {
      return finish('Failed', `InternalServerError: ${describeError(e)}`);
    } finally {
      clearTimeout(timer);
      await closeLog();
    }
  }

  return { stop, outcome: run() };
}

/** SageMaker's contract: a failing container may explain itself in /opt/ml/output/failure. */
async function readFailureFile(optMl: string): Promise<string | undefined> {
  try {
    const text = (await readFile(join(optMl, 'output', 'failure'), 'utf8')).trim();
    return text === '' ? undefined : `AlgorithmError: ${text.slice(0, 1024)}`;
  } catch {
    return undefined;
  }
}

async function logTail(workDir: string): Promise<string> {
  try {
    const text = await readFile(join(workDir, LOG_FILE), 'utf8');
    const lines = text.trimEnd().split('\n').slice(-5).join('\n');
    return lines === '' ? '' : `Last lines of the log:\n${lines.slice(-800)}`;
  } catch {
    return '';
  }
}

async function unpackCode(objects: ObjectStore, uri: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (!/\.tar\.gz$|\.tgz$/.test(uri)) {
    await objects.download(uri, dir);
    return;
  }
  const temp = await mkdtemp(join(dir, '.code-'));
  try {
    await objects.download(uri, temp);
    const [name] = uri.split('/').slice(-1);
    await exec('tar', ['-xzf', join(temp, name as string), '-C', dir]);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function uploadOutput(objects: ObjectStore, dir: string, out: JobOutput): Promise<void> {
  if (!out.tarball) {
    await objects.upload(dir, out.uri);
    return;
  }
  const temp = await mkdtemp(join(dirname(dir), '.tar-'));
  try {
    const file = join(temp, 'out.tar.gz');
    await exec('tar', ['-czf', file, '-C', dir, '.']);
    await objects.putFile(out.uri, file);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
