/**
 * How a job's container is run. A runtime is pluggable: given an image, an optional entrypoint and
 * arguments, an environment and the job's `/opt/ml` directory, it runs the work and reports each
 * chunk of output and how it ended. The default `process` runtime (process-runtime.ts) runs the
 * image's mapped local command as a child process.
 */
export interface ContainerRun {
  readonly image: string;
  /** Replaces the image's own command (SageMaker's ContainerEntrypoint). */
  readonly entrypoint?: readonly string[];
  readonly arguments: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** The directory that stands in for the container's `/opt/ml`. */
  readonly optMl: string;
  /** The working directory of the command. */
  readonly cwd: string;
  /** Output as it arrives, stdout and stderr interleaved. */
  readonly onOutput: (chunk: Buffer) => void;
}

export type ContainerExit =
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: string | null }
  /** The run could not start: no mapping for the image, no such command. */
  | { readonly kind: 'refused'; readonly reason: string };

export interface RunningContainer {
  /** Asks the work to end: SIGTERM, then SIGKILL after the runtime's grace period. */
  stop(): void;
  readonly exit: Promise<ContainerExit>;
}

export interface ContainerRuntime {
  readonly name: string;
  run(request: ContainerRun): RunningContainer;
}

/** Rewrites every `/opt/ml` path inside a text to the job's own directory. */
export function rewriteOptMl(text: string, optMl: string): string {
  return text.replace(/(^|[^A-Za-z0-9_.-])\/opt\/ml(?=\/|$|[^A-Za-z0-9_.-])/g, (_m, before: string) => `${before}${optMl}`);
}
