/**
 * The SageMaker API as a table of operations. `invoke` validates a request against the API model
 * (generated code) before any handler sees it, so handlers work with well-formed input only.
 * Transport (HTTP, auth) is the server's business; this module knows nothing of it.
 */
import { UnknownOperationException } from '../core/errors.js';
import type { ApiDeps, RequestContext } from './context.js';
import { isKnownOperation, validateRequest } from './validation/validate.js';
import { actionOperations, contextOperations } from './lineage/named-entities.js';
import { artifactOperations } from './lineage/artifacts.js';
import { associationOperations } from './lineage/associations.js';
import { lineageGroupOperations } from './lineage/lineage-groups.js';
import { queryLineageOperations } from './lineage/query-lineage.js';
import { tagOperations } from './lineage/tags.js';
import type { LineageShareList, LineageShareView } from './lineage/shares.js';
import { grantLineageShare, listLineageShares, revokeLineageShare } from './lineage/shares.js';
import type { OperationTable } from './operation.js';
import { experimentOperations } from './experiments/experiments.js';
import { recordTrialComponentMetrics } from './experiments/metrics.js';
import { trialComponentOperations } from './experiments/trial-components.js';
import { trialOperations } from './experiments/trials.js';
import { searchOperations } from './search/operations.js';
import { processingJobOperations } from './jobs/processing-jobs.js';
import { trainingJobOperations } from './jobs/training-jobs.js';
import { transformJobOperations } from './jobs/transform-jobs.js';
import { tuningJobOperations } from './jobs/tuning-jobs.js';
import { readJobLog } from './jobs/job-common.js';
import { requireResource } from './jobs/resources.js';
import { recoverInterruptedJobs } from './jobs/recovery.js';
import { modelOperations } from './registry/models.js';
import { modelPackageOperations } from './registry/model-packages.js';
import { endpointOperations, invokeEndpoint, resumeEndpoints } from './hosting/endpoints.js';

export interface StemmaExtras {
  /** Folds metric samples into a trial component's metric summaries (body: `{ Metrics: [...] }`). */
  recordTrialComponentMetrics(nameOrArn: string, body: unknown, ctx: RequestContext): Promise<unknown>;
  /** The log of a job (`training-jobs`, `processing-jobs`, `transform-jobs`) so far. */
  jobLog(collection: string, nameOrArn: string, ctx: RequestContext): Promise<string>;
  /** SageMaker Runtime's InvokeEndpoint: the body to the endpoint's model, its answer back. */
  invokeEndpoint(
    name: string,
    request: { body: Buffer; contentType?: string; accept?: string },
    ctx: RequestContext,
  ): Promise<{ body: Buffer; contentType: string; variant: string }>;
  /** Lineage-group grants made by and to the caller. */
  listLineageShares(ctx: RequestContext): Promise<LineageShareList>;
  /** Grants the account in the body (`{ "account": "…" }`) access to the caller's lineage group. */
  grantLineageShare(body: unknown, ctx: RequestContext): Promise<{ share: LineageShareView; created: boolean; sameAsPairs: number }>;
  /** Revokes the caller's grant to the account in the body. */
  revokeLineageShare(body: unknown, ctx: RequestContext): Promise<{ revoked: boolean }>;
}

/** The job collections of `/api/v1/jobs/{collection}/{name}/logs`, by ARN resource type. */
const JOB_COLLECTIONS: Readonly<Record<string, { kind: string; label: string }>> = {
  'training-jobs': { kind: 'training-job', label: 'Training job' },
  'processing-jobs': { kind: 'processing-job', label: 'Processing job' },
  'transform-jobs': { kind: 'transform-job', label: 'Transform job' },
};

type AnyHandler = (input: unknown, ctx: RequestContext) => Promise<unknown>;

export class SageMakerApi {
  private readonly handlers: ReadonlyMap<string, AnyHandler>;
  /** Stemma's own operations beyond SageMaker's API, served under /api/v1 by the server. */
  readonly extras: StemmaExtras;
  private readonly deps: ApiDeps;

  constructor(deps: ApiDeps) {
    this.extras = {
      recordTrialComponentMetrics: (name, body, ctx) => recordTrialComponentMetrics(deps, ctx, name, body),
      invokeEndpoint: (name, request, ctx) => invokeEndpoint(deps, ctx, name, request),
      listLineageShares: (ctx) => listLineageShares(deps, ctx),
      grantLineageShare: (body, ctx) => grantLineageShare(deps, ctx, body),
      revokeLineageShare: (body, ctx) => revokeLineageShare(deps, ctx, body),
      jobLog: async (collection, name, ctx) => {
        const c = JOB_COLLECTIONS[collection];
        if (!c) throw new UnknownOperationException(`No job collection ${collection}: use training-jobs, processing-jobs or transform-jobs.`);
        return readJobLog(await deps.store.read((r) => requireResource(r, ctx.scope, c.kind, c.label, name)));
      },
    };
    this.deps = deps;
    const families: OperationTable[] = [
      artifactOperations(deps),
      actionOperations(deps),
      contextOperations(deps),
      associationOperations(deps),
      tagOperations(deps),
      lineageGroupOperations(deps),
      queryLineageOperations(deps),
      experimentOperations(deps),
      trialOperations(deps),
      trialComponentOperations(deps),
      searchOperations(deps),
      trainingJobOperations(deps),
      processingJobOperations(deps),
      transformJobOperations(deps),
      tuningJobOperations(deps),
      modelOperations(deps),
      modelPackageOperations(deps),
      endpointOperations(deps),
    ];
    const handlers = new Map<string, AnyHandler>();
    for (const family of families) {
      for (const [name, handler] of Object.entries(family)) handlers.set(name, handler as AnyHandler);
    }
    this.handlers = handlers;
  }

  /**
   * After a restart: gives the jobs this server was running a terminal state, and serves its
   * endpoints again. Returns how many of each.
   */
  async recoverJobs(): Promise<{ jobs: number; endpoints: number }> {
    if (!this.deps.jobs) return { jobs: 0, endpoints: 0 };
    const runner = this.deps.jobs.services.runnerId;
    return { jobs: await recoverInterruptedJobs(this.deps, runner), endpoints: await resumeEndpoints(this.deps, runner) };
  }

  /** Ends every job and endpoint this process runs, recording why, and waits for them. */
  async shutdownJobs(): Promise<void> {
    await this.deps.jobs?.shutdown();
  }

  /** The operations this server answers, by SageMaker name. */
  get operations(): string[] {
    return [...this.handlers.keys()].sort();
  }

  async invoke(operation: string, input: unknown, ctx: RequestContext): Promise<unknown> {
    const handler = this.handlers.get(operation);
    if (!handler) {
      const why = isKnownOperation(operation) || /^[A-Z][A-Za-z0-9]+$/.test(operation)
        ? `Stemma does not implement the SageMaker operation ${operation}.`
        : `Unknown operation ${operation}.`;
      throw new UnknownOperationException(why);
    }
    return handler(validateRequest(operation, input), ctx);
  }
}
