/** Starts the built `stemma serve` as a separate process, so load generator and server don't share a core. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the fields of the first structured log line with this message. */
  waitForLog(message: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/stemma.js', import.meta.url));

export function startServerProcess(args: readonly string[]): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Server logs (JSON lines on stderr) are kept for waitForLog, not echoed: they would break the tables.
  const logs: Record<string, unknown>[] = [];
  const waiting: { message: string; resolve: (fields: Record<string, unknown>) => void }[] = [];
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        for (const w of waiting.filter((x) => x.message === entry['message'])) w.resolve(entry);
      } catch {
        process.stderr.write(`${line}\n`);
      }
    }
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        resolve({
          url: m[1],
          pid: child.pid ?? 0,
          waitForLog: (message) => {
            const seen = logs.find((l) => l['message'] === message);
            return seen ? Promise.resolve(seen) : new Promise((done) => waiting.push({ message, resolve: done }));
          },
          // Stopping a process that has already exited does nothing.
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`stemma serve exited early with code ${code}`)));
  });
}
