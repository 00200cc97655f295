/**
 * The `process` runtime: a job's image is mapped to a local command (image-map.ts) and run as a
 * child process in its own process group, so stopping it ends everything it started. Arguments and
 * environment values that name `/opt/ml/...` are rewritten to the job's own directory.
 */
import { spawn } from 'node:child_process';
import type { ImageMap } from './image-map.js';
import type { ContainerExit, ContainerRun, ContainerRuntime, RunningContainer } from './runtime.js';
import { rewriteOptMl } from './runtime.js';

export interface ProcessRuntimeOptions {
  readonly images: ImageMap;
  /** How long a stopped job has between SIGTERM and SIGKILL (SageMaker gives 120 s). */
  readonly stopGraceMs?: number;
}

/** What a child process inherits from the server: enough to find interpreters, nothing secret. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'PYENV_ROOT', 'PYENV_VERSION', 'VIRTUAL_ENV', 'NODE_PATH'];

export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process';
  private readonly images: ImageMap;
  private readonly stopGraceMs: number;

  constructor(options: ProcessRuntimeOptions) {
    this.images = options.images;
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
  }

  run(request: ContainerRun): RunningContainer {
    const command = this.images.commandFor(request.image);
    if (!command) {
      return refused(
        `No local command is configured for image ${request.image}. Map it with \`stemma serve --image-map\` ` +
          '(see the README), or use an image the built-in mappings know (Python framework images, node).',
      );
    }
    const argv = [...(request.entrypoint ?? command), ...request.arguments].map((a) => rewriteOptMl(a, request.optMl));
    if (argv.length === command.length && request.entrypoint === undefined && command.length === 1) {
      return refused(
        `Image ${request.image} runs \`${command.join(' ')}\`, and the job names no script for it: give ContainerEntrypoint or ` +
          'ContainerArguments (processing), or the sagemaker_program hyperparameter (training).',
      );
    }
    const env: Record<string, string> = {};
    for (const key of INHERITED_ENV) {
      const v = process.env[key];
      if (v !== undefined) env[key] = v;
    }
    env['PYTHONUNBUFFERED'] = '1';
    for (const [k, v] of Object.entries(request.environment)) env[k] = rewriteOptMl(v, request.optMl);

    let settle: (exit: ContainerExit) => void = () => undefined;
    const exit = new Promise<ContainerExit>((resolve) => {
      settle = resolve;
    });
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: request.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => request.onOutput(chunk));
    child.stderr.on('data', (chunk: Buffer) => request.onOutput(chunk));
    child.once('error', (e) => {
      clearTimeout(killTimer);
      settle({ kind: 'refused', reason: `Could not start \`${argv.join(' ')}\` for image ${request.image}: ${e.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(killTimer);
      settle({ kind: 'exited', code, signal });
    });
    const signalGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    return {
      exit,
      stop: () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signalGroup('SIGTERM');
        clearTimeout(killTimer);
        killTimer = setTimeout(() => signalGroup('SIGKILL'), this.stopGraceMs);
      },
    };
  }
}

function refused(reason: string): RunningContainer {
  return { exit: Promise.resolve({ kind: 'refused', reason }), stop: () => undefined };
}
