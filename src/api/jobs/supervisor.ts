/**
 * Runs jobs in the background of the server that accepted them and records how they end. A job
 * keeps running when its client disconnects (the run is not tied to the request). The supervisor
 * remembers the jobs this process runs, so Stop reaches them and a shutdown ends them. Job state
 * lives in the database: a server that starts finds the jobs its predecessor left "InProgress" and
 * marks them Failed, so no job is ever lost or stuck.
 */
import { join } from 'node:path';
import type { JobHandle, JobOutcome, JobPlan, StopCause } from '../../jobs/job-run.js';
import { startJob } from '../../jobs/job-run.js';
import type { ObjectStore } from '../../jobs/object-store.js';
import type { ContainerRuntime } from '../../jobs/runtime.js';
import type { ServingHandle, ServingPlan } from '../../jobs/serving.js';
import { startServing } from '../../jobs/serving.js';
import type { TransformPlan } from '../../jobs/transform-run.js';
import { startTransform } from '../../jobs/transform-run.js';
import type { Scope } from '../../core/arn.js';
import type { Clock } from '../../core/clock.js';

export interface JobServices {
  readonly runtime: ContainerRuntime;
  readonly objects: ObjectStore;
  /** Where each job gets its own working directory. */
  readonly workRoot: string;
  /**
   * Who runs jobs: stable across restarts of one server (its host and data directory), so a
   * restarted server recovers exactly the jobs it was running, never another replica's.
   */
  readonly runnerId: string;
  /** Told about a failure to record a job's end (the job itself has ended). */
  readonly onError?: (message: string) => void;
}

export const RESTART_REASON = 'The Stemma server restarted while the job was running.';

export class JobSupervisor {
  readonly services: JobServices;
  private readonly clock: Clock;
  private readonly running = new Map<string, { handle: JobHandle; settled: Promise<void> }>();
  /** The serving processes of endpoints, by endpoint ARN. */
  private readonly serving = new Map<string, ServingHandle>();
  /** Deployments still starting (or recording their result), keyed `<endpoint ARN>#…`. */
  private readonly pending = new Map<string, { handle: ServingHandle; settled: Promise<void> }>();
  private deployments = 0;
  /** Work that starts jobs of its own (tuning jobs), awaited on shutdown. */
  private readonly background = new Set<Promise<void>>();
  private shuttingDown = false;

  constructor(services: JobServices, clock: Clock) {
    this.services = services;
    this.clock = clock;
  }

  workDirOf(scope: Scope, kind: string, name: string): string {
    return join(this.services.workRoot, scope.account, scope.region, kind, name);
  }

  /** Starts a job; `finish` records its outcome (in its own transaction) when it ends. */
  launch(arn: string, plan: JobPlan, finish: (outcome: JobOutcome) => Promise<void>): void {
    this.track(arn, startJob(plan, this.runDeps()), finish);
  }

  /** Starts a batch transform; `finish` records its outcome when it ends. */
  launchTransform(arn: string, plan: TransformPlan, finish: (outcome: JobOutcome) => Promise<void>): void {
    this.track(arn, startTransform(plan, this.runDeps()), finish);
  }

  private runDeps(): { runtime: ContainerRuntime; objects: ObjectStore; now: () => number } {
    return { runtime: this.services.runtime, objects: this.services.objects, now: () => this.clock.now() };
  }

  private track(arn: string, handle: JobHandle, finish: (outcome: JobOutcome) => Promise<void>): void {
    const settled = handle.outcome
      .then(finish)
      .catch((e: unknown) => this.services.onError?.(`Recording the end of job ${arn} failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.running.delete(arn));
    this.running.set(arn, { handle, settled });
  }

  /** Asks a job this process runs to stop; false when it does not run here. */
  stop(arn: string, cause: StopCause = 'user'): boolean {
    const job = this.running.get(arn);
    if (!job) return false;
    job.handle.stop(cause);
    return true;
  }

  /** True once shutdown has begun: nothing new may start. */
  get closing(): boolean {
    return this.shuttingDown;
  }

  /** Keeps track of work that runs jobs of its own, so shutdown waits for it. */
  runInBackground(work: Promise<void>): void {
    const tracked = work
      .catch((e: unknown) => this.services.onError?.(e instanceof Error ? e.message : String(e)))
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Resolves when the job has ended and its end is recorded (at once if it does not run here). */
  async whenDone(arn: string): Promise<void> {
    await this.running.get(arn)?.settled;
  }

  isRunning(arn: string): boolean {
    return this.running.has(arn);
  }

  /** Waits until every job has ended and its end is recorded. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((j) => j.settled));
  }

  /**
   * Starts serving a model for an endpoint, replacing (and stopping) what served it before only once
   * the new one is ready. `settle` records the result: undefined when ready, else the reason.
   */
  serve(arn: string, plan: ServingPlan, settle: (failure: string | undefined) => Promise<void>): void {
    const handle = startServing(plan, { runtime: this.services.runtime, objects: this.services.objects });
    const settled = handle.ready.then(
      async () => {
        const previous = this.serving.get(arn);
        this.serving.set(arn, handle);
        if (previous && previous !== handle) previous.stop();
        await settle(undefined);
      },
      async (e: unknown) => {
        handle.stop();
        await settle(e instanceof Error ? e.message : String(e));
      },
    );
    const key = `${arn}#${String(++this.deployments)}`;
    const tracked = settled
      .catch((e: unknown) => this.services.onError?.(`Recording the state of endpoint ${arn} failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.pending.delete(key));
    this.pending.set(key, { handle, settled: tracked });
  }

  /** The ready serving process of an endpoint, if this process serves it. */
  servingOf(arn: string): ServingHandle | undefined {
    return this.serving.get(arn);
  }

  /** Stops serving an endpoint (and any deployment of it still starting); waits until it has ended. */
  async stopServing(arn: string): Promise<void> {
    const ends: Promise<void>[] = [];
    const current = this.serving.get(arn);
    this.serving.delete(arn);
    if (current) {
      current.stop();
      ends.push(current.ended);
    }
    for (const [key, p] of this.pending) {
      if (key.startsWith(`${arn}#`)) {
        p.handle.stop();
        ends.push(p.settled);
      }
    }
    await Promise.all(ends);
  }

  /** Ends every running job (each is recorded as Failed: the server shut down) and every endpoint, and waits for them. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const job of this.running.values()) job.handle.stop('shutdown');
    await Promise.all([...this.serving.keys(), ...[...this.pending.keys()].map((k) => k.split('#')[0] as string)].map((arn) => this.stopServing(arn)));
    await this.idle();
    await Promise.all([...this.background]);
    await this.idle();
  }
}
