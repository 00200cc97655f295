/**
 * Recording metric values for a trial component: a Stemma extra (SageMaker fills Metrics from its
 * metrics service, outside the API model). Served as `POST /api/v1/trial-components/{name}/metrics`
 * with `{ "Metrics": [{ "MetricName", "Value", "Timestamp"?, "Step"? }] }`; the job runtime uses
 * the same path. DescribeTrialComponent and Search then report TrialComponentMetricSummary.
 */
import { ValidationException } from '../../core/errors.js';
import type { MetricSample } from '../../storage/store.js';
import type { ApiDeps, RequestContext } from '../context.js';
import { reindexEntityByArn } from '../search/registry.js';
import { requireEntity } from '../lineage/entities.js';
import { metricSummary } from './records.js';
import type { TrialComponentMetricSummary } from '../generated/types.js';

export const MAX_METRIC_SAMPLES_PER_REQUEST = 10_000;
const METRIC_NAME_RE = /^.{1,255}$/su;

function fail(message: string): never {
  throw new ValidationException(message);
}

/** Checks the request body; timestamps are epoch seconds or ISO 8601 text, default now. */
export function parseMetricSamples(body: unknown, now: number): MetricSample[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('The request body must be a JSON object with a Metrics list.');
  const metrics = (body as Record<string, unknown>)['Metrics'];
  if (!Array.isArray(metrics) || metrics.length === 0) fail("'Metrics' must be a non-empty list of { MetricName, Value, Timestamp?, Step? }.");
  if (metrics.length > MAX_METRIC_SAMPLES_PER_REQUEST) fail(`'Metrics' may hold at most ${MAX_METRIC_SAMPLES_PER_REQUEST} samples per request.`);
  return metrics.map((m: unknown, i): MetricSample => {
    const at = `Metrics.${i + 1}`;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) fail(`'${at}' must be an object.`);
    const { MetricName: name, Value: value, Timestamp: ts, Step: step } = m as Record<string, unknown>;
    if (typeof name !== 'string' || !METRIC_NAME_RE.test(name)) fail(`'${at}.MetricName' must be a string of 1 to 255 characters.`);
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`'${at}.Value' must be a finite number.`);
    let timestamp = now;
    if (typeof ts === 'number' && Number.isFinite(ts)) timestamp = Math.round(ts * 1000);
    else if (typeof ts === 'string' && !Number.isNaN(Date.parse(ts))) timestamp = Date.parse(ts);
    else if (ts !== undefined) fail(`'${at}.Timestamp' must be epoch seconds or an ISO 8601 date-time.`);
    if (step !== undefined && (typeof step !== 'number' || !Number.isInteger(step) || step < 0)) {
      fail(`'${at}.Step' must be a non-negative integer.`);
    }
    return { name, value, timestamp, step: step };
  });
}

export async function recordTrialComponentMetrics(
  deps: ApiDeps,
  ctx: RequestContext,
  nameOrArn: string,
  body: unknown,
): Promise<{ TrialComponentArn: string; Metrics: TrialComponentMetricSummary[] }> {
  const samples = parseMetricSamples(body, deps.clock.now());
  return deps.store.transaction(async (tx) => {
    const c = await requireEntity(tx, ctx.scope, 'experiment-trial-component', nameOrArn);
    await tx.recordTrialComponentMetrics(c.id, samples);
    await reindexEntityByArn(tx, c.arn);
    return { TrialComponentArn: c.arn, Metrics: (await tx.listTrialComponentMetrics(c.id)).map(metricSummary) };
  });
}
