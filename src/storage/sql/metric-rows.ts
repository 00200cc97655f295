/**
 * A trial component metric's summary row, as both backends return it (numbers throughout: SQLite's
 * INTEGER/REAL, PostgreSQL's bigint through the store's type parser and double precision), and its
 * mapping to the domain's MetricSummary.
 */
import type { MetricSummary } from '../store.js';

export interface DbMetric {
  component_id: number;
  metric_name: string;
  source_arn: string | null;
  count: number;
  sum: number;
  sum_sq: number;
  min: number;
  max: number;
  last: number;
  last_time: number;
  last_step: number;
}

export function toMetricSummary(row: DbMetric): MetricSummary {
  const avg = row.sum / row.count;
  // Sample variance from the running sums; rounding can push it a hair below zero.
  const variance = row.count > 1 ? Math.max(0, (row.sum_sq - row.count * avg * avg) / (row.count - 1)) : 0;
  return {
    name: row.metric_name,
    sourceArn: row.source_arn,
    timestamp: row.last_time,
    count: row.count,
    min: row.min,
    max: row.max,
    last: row.last,
    avg,
    stdDev: Math.sqrt(variance),
  };
}
