/**
 * SageMaker's quotas on manually created lineage entities (per account and region). Entities that
 * Stemma creates by itself — for jobs, the model registry, endpoints and pipelines — are not
 * counted, as in SageMaker.
 */
import type { Scope } from '../core/arn.js';
import { ResourceLimitExceeded } from '../core/errors.js';
import type { QuotaResource } from '../core/model.js';
import type { StoreTx } from '../storage/store.js';

export type QuotaLimits = Readonly<Record<QuotaResource, number>>;

export const SAGEMAKER_QUOTAS: QuotaLimits = {
  action: 3000,
  artifact: 6000,
  association: 6000,
  context: 500,
};

const DESCRIPTION: Record<QuotaResource, [string, string]> = {
  action: ['Total number of actions allowed, excluding those automatically created by SageMaker', 'Actions'],
  artifact: ['Total number of artifacts allowed, excluding those automatically created by SageMaker', 'Artifacts'],
  association: ['Total number of associations allowed, excluding those automatically created by SageMaker', 'Associations'],
  context: ['Total number of contexts allowed, excluding those automatically created by SageMaker', 'Contexts'],
};

/** Counts one more manually created entity, or throws ResourceLimitExceeded in SageMaker's words. */
export async function consumeQuota(
  tx: StoreTx,
  scope: Scope,
  resource: QuotaResource,
  limits: QuotaLimits | null,
): Promise<void> {
  const limit = limits ? limits[resource] : null;
  if (await tx.adjustQuotaUsage(scope, resource, 1, limit)) return;
  const used = await tx.quotaUsage(scope, resource);
  const [name, unit] = DESCRIPTION[resource];
  throw new ResourceLimitExceeded(
    `The account-level service limit '${name}' is ${limit ?? 0} ${unit}, ` +
      `with current utilization of ${used} ${unit} and a request delta of 1 ${unit}. ` +
      'Delete unused entities, or raise the limit with the --quotas option.',
  );
}

/** Gives back the quota of a deleted, manually created entity. */
export async function releaseQuota(tx: StoreTx, scope: Scope, resource: QuotaResource): Promise<void> {
  await tx.adjustQuotaUsage(scope, resource, -1, null);
}

/** Parses `--quotas`: "off", "sagemaker" (the default), or "artifact=100,action=50,…". */
export function parseQuotaOption(text: string): QuotaLimits | null {
  if (text === 'off') return null;
  if (text === 'sagemaker' || text === '') return SAGEMAKER_QUOTAS;
  const limits: Record<QuotaResource, number> = { ...SAGEMAKER_QUOTAS };
  for (const part of text.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!key || !(key in limits) || value === undefined || !/^\d+$/.test(value)) {
      throw new Error(
        `Invalid quota "${part}": expected off, sagemaker, or a list like artifact=6000,action=3000,association=6000,context=500`,
      );
    }
    limits[key as QuotaResource] = Number(value);
  }
  return limits;
}
