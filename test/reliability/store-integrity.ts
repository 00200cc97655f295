/**
 * Consistency checks of a store, read straight from its database: what must hold between tables
 * whatever moment a process died at. Each check is portable SQL over the schema both backends
 * share (same table and column names), answering with the rows that break it.
 */
import type { StoreProbe } from './store-fingerprint.js';

const CHECKS: ReadonlyArray<readonly [what: string, sql: string]> = [
  [
    'associations whose source or destination is missing',
    `SELECT a.id FROM associations a
     WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = a.source_id)
        OR NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = a.destination_id)`,
  ],
  [
    'trials whose trial or experiment is missing',
    `SELECT t.trial_id FROM experiment_trials t
     WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = t.trial_id)
        OR NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = t.experiment_id)`,
  ],
  [
    'trial memberships whose trial or component is missing',
    `SELECT m.trial_id FROM trial_members m
     WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = m.trial_id)
        OR NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = m.component_id)`,
  ],
  [
    'metrics of a missing trial component',
    'SELECT m.component_id FROM trial_component_metrics m WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = m.component_id)',
  ],
  [
    'experiments, trials and trial components missing from the search projection',
    `SELECT e.arn FROM entities e
     WHERE e.kind IN ('experiment', 'experiment-trial', 'experiment-trial-component')
       AND NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.arn = e.arn)`,
  ],
  [
    'search documents of nothing',
    `SELECT d.arn FROM search_documents d
     WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.arn = d.arn)
       AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.arn = d.arn)`,
  ],
  ['search values of a missing document', 'SELECT v.doc_id FROM search_values v WHERE NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.id = v.doc_id)'],
  [
    'search spaces whose document count is wrong',
    'SELECT s.id FROM search_spaces s WHERE s.documents <> (SELECT count(*) FROM search_documents d WHERE d.space = s.id)',
  ],
  [
    'quota usage that differs from the manually created entities',
    `SELECT q.resource FROM quota_usage q
     WHERE q.resource <> 'association'
       AND q.used <> (SELECT count(*) FROM entities e
                      WHERE e.account = q.account AND e.region = q.region AND e.kind = q.resource AND NOT e.automatic)`,
  ],
  [
    'association quota usage that differs from the manually created associations',
    `SELECT q.resource FROM quota_usage q
     WHERE q.resource = 'association'
       AND q.used <> (SELECT count(*) FROM associations a
                      WHERE a.account = q.account AND a.region = q.region AND NOT a.automatic)`,
  ],
  [
    'manually created entities not counted in any quota',
    `SELECT e.kind FROM entities e
     WHERE e.kind IN ('artifact', 'action', 'context') AND NOT e.automatic
       AND NOT EXISTS (SELECT 1 FROM quota_usage q WHERE q.account = e.account AND q.region = e.region AND q.resource = e.kind)`,
  ],
];

/** What is inconsistent in the store, one line per broken check; empty when all hold. */
export async function integrityProblems(probe: StoreProbe): Promise<string[]> {
  const problems: string[] = [];
  for (const [what, sql] of CHECKS) {
    const rows = await probe.all<Record<string, unknown>>(sql);
    if (rows.length > 0) problems.push(`${rows.length} ${what}: ${JSON.stringify(rows.slice(0, 3))}`);
  }
  return problems;
}

/** SQLite's own checks: the file's structure, and every declared foreign key. */
export async function sqliteFileProblems(probe: StoreProbe): Promise<string[]> {
  const integrity = await probe.all<{ integrity_check: string }>('PRAGMA integrity_check');
  const problems = integrity.map((r) => r.integrity_check).filter((r) => r !== 'ok');
  const foreign = await probe.all<Record<string, unknown>>('PRAGMA foreign_key_check');
  if (foreign.length > 0) problems.push(`${foreign.length} foreign key violations: ${JSON.stringify(foreign.slice(0, 3))}`);
  return problems;
}
