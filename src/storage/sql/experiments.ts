/**
 * SQL for listing experiments, trials and trial components by membership. Membership lives in
 * two tables: `experiment_trials` (each trial's experiment) and `trial_members` (trial ↔ trial
 * component, many to many). Same keyset paging as every other listing (listing.ts).
 */
import type { ExperimentEntityListQuery } from '../store.js';
import type { SqlQuery } from './listing.js';
import { keysetCondition } from './listing.js';

export function experimentEntityListSql(q: ExperimentEntityListQuery): SqlQuery {
  const where = ['account = ?', 'region = ?', 'kind = ?'];
  const params: unknown[] = [q.scope.account, q.scope.region, q.kind];
  const add = (sql: string, ...values: unknown[]): void => {
    where.push(sql);
    params.push(...values);
  };
  if (q.sortBy === 'Name') where.push("kind <> 'artifact'");
  if (q.kind === 'experiment-trial' && q.experimentId !== undefined) {
    add('id IN (SELECT trial_id FROM experiment_trials WHERE experiment_id = ?)', q.experimentId);
  }
  if (q.kind === 'experiment-trial' && q.componentId !== undefined) {
    add('id IN (SELECT trial_id FROM trial_members WHERE component_id = ?)', q.componentId);
  }
  if (q.kind === 'experiment-trial-component' && q.experimentId !== undefined) {
    add(
      `id IN (SELECT m.component_id FROM trial_members m JOIN experiment_trials t ON t.trial_id = m.trial_id
              WHERE t.experiment_id = ?)`,
      q.experimentId,
    );
  }
  if (q.kind === 'experiment-trial-component' && q.trialId !== undefined) {
    add('id IN (SELECT component_id FROM trial_members WHERE trial_id = ?)', q.trialId);
  }
  if (q.sourceArn !== undefined) add('source_uri = ?', q.sourceArn);
  if (q.createdAfter !== undefined) add('created_at >= ?', q.createdAfter);
  if (q.createdBefore !== undefined) add('created_at <= ?', q.createdBefore);
  const column = q.sortBy === 'Name' ? 'name' : 'created_at';
  if (q.after) {
    const k = keysetCondition(column, 'id', q.ascending, q.after);
    add(k.sql, ...k.params);
  }
  const dir = q.ascending ? 'ASC' : 'DESC';
  params.push(q.limit);
  return {
    sql: `SELECT * FROM entities WHERE ${where.join(' AND ')} ORDER BY ${column} ${dir}, id ${dir} LIMIT ?`,
    params,
  };
}

/** Members of one side of `trial_members`, joined back to their entities, oldest membership first. */
export const TRIALS_OF_COMPONENT_SQL = `
  SELECT e.* FROM trial_members m JOIN entities e ON e.id = m.trial_id
  WHERE m.component_id = ? ORDER BY m.created_at, e.id`;

export const COMPONENTS_OF_TRIAL_SQL = `
  SELECT e.* FROM trial_members m JOIN entities e ON e.id = m.component_id
  WHERE m.trial_id = ? ORDER BY m.created_at, e.id`;

/**
 * Folds one metric sample into its summary row. Sums and sums of squares give the average and
 * the standard deviation without keeping samples; `last` follows the latest (timestamp, step).
 * Parameters: component id, metric name, source ARN (or null), the value six times, timestamp, step.
 * Portable: `excluded` and `CASE` on both backends (no scalar `max()`, which PostgreSQL spells
 * `GREATEST`), and the product typed by CASTs, since PostgreSQL cannot infer a type for `? * ?`.
 */
export const RECORD_METRIC_SQL = `
  INSERT INTO trial_component_metrics
    (component_id, metric_name, source_arn, count, sum, sum_sq, min, max, last, last_time, last_step)
  VALUES (?, ?, ?, 1, ?, CAST(? AS DOUBLE PRECISION) * CAST(? AS DOUBLE PRECISION), ?, ?, ?, ?, ?)
  ON CONFLICT (component_id, metric_name) DO UPDATE SET
    count = trial_component_metrics.count + 1,
    sum = trial_component_metrics.sum + excluded.sum,
    sum_sq = trial_component_metrics.sum_sq + excluded.sum_sq,
    min = CASE WHEN excluded.min < trial_component_metrics.min THEN excluded.min ELSE trial_component_metrics.min END,
    max = CASE WHEN excluded.max > trial_component_metrics.max THEN excluded.max ELSE trial_component_metrics.max END,
    last = CASE WHEN excluded.last_time > trial_component_metrics.last_time
                  OR (excluded.last_time = trial_component_metrics.last_time AND excluded.last_step >= trial_component_metrics.last_step)
                THEN excluded.last ELSE trial_component_metrics.last END,
    last_step = CASE WHEN excluded.last_time > trial_component_metrics.last_time
                  OR (excluded.last_time = trial_component_metrics.last_time AND excluded.last_step >= trial_component_metrics.last_step)
                THEN excluded.last_step ELSE trial_component_metrics.last_step END,
    last_time = CASE WHEN excluded.last_time > trial_component_metrics.last_time THEN excluded.last_time
                ELSE trial_component_metrics.last_time END,
    source_arn = coalesce(excluded.source_arn, trial_component_metrics.source_arn)`;
