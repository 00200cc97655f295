import type { Scope } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import type { UserContext } from '../core/model.js';
import type { Store } from '../storage/store.js';
import type { QuotaLimits } from './quotas.js';
import type { JobSupervisor } from './jobs/supervisor.js';

/** Who is calling, and where: resolved by the server from the request's credentials. */
export interface RequestContext {
  readonly scope: Scope;
  /** Recorded as CreatedBy / LastModifiedBy. */
  readonly user: UserContext;
  readonly requestId: string;
}

export interface ApiConfig {
  /** Limits on manually created entities per account and region; null turns quotas off. */
  readonly quotas: QuotaLimits | null;
  /** The deepest QueryLineage MaxDepth accepted; SageMaker's 10 when absent (`stemma serve --max-depth`). */
  readonly maxLineageDepth?: number;
}

/** What every operation family is built from. */
export interface ApiDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: ApiConfig;
  /** Runs jobs and endpoints locally; without it, the operations that run something are refused. */
  readonly jobs?: JobSupervisor;
}
