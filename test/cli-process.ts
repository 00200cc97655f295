/** Runs the built `stemma` command as a child process, as a user would. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';

export const STEMMA_BIN = fileURLToPath(new URL('../bin/stemma.js', import.meta.url));

/** An SDK client for a `stemma serve` process: any key (open mode) unless given one, no retries. */
export function clientOf(url: string, options: { region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): SageMakerClient {
  return new SageMakerClient({
    endpoint: url,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts: 1,
  });
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the server has written to stderr so far (its JSON log lines). */
  stderr(): string;
}

/** Starts `stemma serve` and resolves once it prints the URL it listens on. */
export function spawnServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [STEMMA_BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1], stderr: () => err });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`stemma serve exited with ${code}: ${err}`)));
  });
}

/** Runs a stemma command to completion (in this process's environment unless `env` is given). */
export function runStemma(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [STEMMA_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env === undefined ? {} : { env }) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
