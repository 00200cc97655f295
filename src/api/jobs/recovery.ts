/**
 * What a starting server does about the jobs its predecessor left running: their processes died
 * with it, so each is given a clear terminal state — Failed, with a FailureReason that says why (a
 * job that was Stopping becomes Stopped) — and its trial component follows. On PostgreSQL only the
 * jobs this runner started are touched; another replica's jobs are still running there.
 */
import { toEpochSeconds } from '../../core/clock.js';
import type { ApiDeps } from '../context.js';
import { finishJobLineage, PROCESSING, TRAINING, TRANSFORM } from './job-lineage.js';
import type { JobKind } from './job-lineage.js';
import { stripUndefined, updateResource } from './resources.js';
import { RESTART_REASON } from './supervisor.js';

/** A kind of job a restart can find running: where its status and end time go, and its lineage. */
interface Recoverable {
  readonly kind: string;
  readonly statusMember: string;
  readonly endMember: string;
  /** Absent for tuning jobs, which have no trial component of their own. */
  readonly lineage?: JobKind;
}

const KINDS: readonly Recoverable[] = [
  ...[TRAINING, PROCESSING, TRANSFORM].map((k) => ({ kind: k.kind, statusMember: k.statusMember, endMember: k.endMember, lineage: k })),
  { kind: 'hyper-parameter-tuning-job', statusMember: 'HyperParameterTuningJobStatus', endMember: 'HyperParameterTuningEndTime' },
];

/** Marks the interrupted jobs of this runner; returns how many. */
export async function recoverInterruptedJobs(deps: ApiDeps, runnerId: string): Promise<number> {
  const { store, clock } = deps;
  return store.transaction(async (tx) => {
    const jobs = await tx.listResourcesInStatus(KINDS.map((k) => k.kind), ['InProgress', 'Stopping']);
    let n = 0;
    for (const job of jobs) {
      if (store.backend !== 'sqlite' && job.doc['_runner'] !== runnerId) continue;
      const spec = KINDS.find((k) => k.kind === job.kind);
      if (!spec) continue;
      const now = clock.now();
      const status = job.status === 'Stopping' ? 'Stopped' : 'Failed';
      const reason = status === 'Failed' ? RESTART_REASON : undefined;
      const doc = {
        ...job.doc,
        [spec.statusMember]: status,
        FailureReason: reason,
        [spec.endMember]: toEpochSeconds(now),
        LastModifiedTime: toEpochSeconds(now),
        ...(job.kind === 'training-job' ? { SecondaryStatus: status } : {}),
      };
      await updateResource(tx, job, { status, doc: stripUndefined(doc), modifiedAt: now });
      if (spec.lineage) {
        const ctx = { scope: { account: job.account, region: job.region }, user: {}, requestId: 'recovery' };
        await finishJobLineage(tx, deps, ctx, { kind: spec.lineage, name: job.name, arn: job.arn }, { status: { PrimaryStatus: status, Message: reason }, endTime: now, metrics: [] }, []);
      }
      n++;
    }
    return n;
  });
}
