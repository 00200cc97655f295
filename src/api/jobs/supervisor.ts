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

  constructor(services: JobServices, clock: Clock) {
    this.services = services;
    this.clock = clock;
  }

  workDirOf(scope: Scope, kind: string, name: string): string {
    return join(this.services.workRoot, scope.account, scope.region, kind, name);
  }

  /** Starts a job; `finish` records its outcome (in its own transaction) when it ends. */
  launch(arn: string, plan: JobPlan, finish: (outcome: JobOutcome) => Promise<void>): void {
    const handle = startJob(plan, { runtime: this.services.runtime, objects: this.services.objects, now: () => this.clock.now() });
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

  isRunning(arn: string): boolean {
    return this.running.has(arn);
  }

  /** Waits until every job has ended and its end is recorded. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((j) => j.settled));
  }

  /** Ends every running job (each is recorded as Failed: the server shut down) and waits for them. */
  async shutdown(): Promise<void> {
    for (const job of this.running.values()) job.handle.stop('shutdown');
    await this.idle();
  }
}
