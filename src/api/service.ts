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
import type { OperationTable } from './operation.js';
import { experimentOperations } from './experiments/experiments.js';
import { recordTrialComponentMetrics } from './experiments/metrics.js';
import { trialComponentOperations } from './experiments/trial-components.js';
import { trialOperations } from './experiments/trials.js';
import { searchOperations } from './search/operations.js';

export interface StemmaExtras {
  /** Folds metric samples into a trial component's metric summaries (body: `{ Metrics: [...] }`). */
  recordTrialComponentMetrics(nameOrArn: string, body: unknown, ctx: RequestContext): Promise<unknown>;
}

type AnyHandler = (input: unknown, ctx: RequestContext) => Promise<unknown>;

export class SageMakerApi {
  private readonly handlers: ReadonlyMap<string, AnyHandler>;
  /** Stemma's own operations beyond SageMaker's API, served under /api/v1 by the server. */
  readonly extras: StemmaExtras;

  constructor(deps: ApiDeps) {
    this.extras = {
      recordTrialComponentMetrics: (name, body, ctx) => recordTrialComponentMetrics(deps, ctx, name, body),
    };
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
    ];
    const handlers = new Map<string, AnyHandler>();
    for (const family of families) {
      for (const [name, handler] of Object.entries(family)) handlers.set(name, handler as AnyHandler);
    }
    this.handlers = handlers;
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
