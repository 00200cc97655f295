/**
 * What the job operations share: checks on URIs and names made before anything is written, the
 * status a job can be stopped from, and reading a job's log.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError, ValidationException } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import { toEpochSeconds } from '../../core/clock.js';
import type { ResourceRecord } from '../../core/model.js';
import type { JobOutcome } from '../../jobs/job-run.js';
import type { StoreTx } from '../../storage/store.js';
import { LOG_FILE } from '../../jobs/job-run.js';
import { ObjectStoreError, parseObjectUri } from '../../jobs/object-store.js';
import type { ApiDeps } from '../context.js';
import { stripUndefined, updateResource } from './resources.js';
import type { JobSupervisor } from './supervisor.js';
import type { JobKind } from './job-lineage.js';

/** The supervisor, or a clear refusal when this server runs no jobs. */
export function requireJobs(deps: ApiDeps): JobSupervisor {
  if (!deps.jobs) {
    throw new ServiceError('ServiceUnavailable', 'This Stemma server runs no jobs (it was started without a job runtime).', { statusCode: 503 });
  }
  if (deps.jobs.closing) throw new ServiceError('ServiceUnavailable', 'The Stemma server is shutting down; try again when it is back.', { statusCode: 503 });
  return deps.jobs;
}

/** A URI a job will read or write: `s3://bucket/...` or `file:///...`. */
export function checkUri(member: string, uri: string): void {
  try {
    parseObjectUri(uri);
  } catch (e) {
    if (e instanceof ObjectStoreError) throw new ValidationException(`${member}: ${e.message}`);
    throw e;
  }
}

export function checkUnique(member: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new ValidationException(`${member} must be unique; '${n}' is given twice.`);
    seen.add(n);
  }
}

export function joinUri(prefix: string, ...parts: string[]): string {
  return [prefix.replace(/\/+$/, ''), ...parts].join('/');
}

/** The log a job wrote so far (empty before it starts). */
export async function readJobLog(job: ResourceRecord): Promise<string> {
  const dir = job.doc['_workDir'];
  if (typeof dir !== 'string') return '';
  try {
    return await readFile(join(dir, LOG_FILE), 'utf8');
  } catch {
    return '';
  }
}

/** Hyperparameter values from the SageMaker Python SDK are JSON-encoded strings (`"\"train.py\""`). */
export function hyperparameterValue(raw: string): string {
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (typeof parsed === 'string') return parsed;
    } catch {
      // not JSON: the value as given
    }
  }
  return raw;
}

/**
 * Records how a job ended in its stored Describe answer: status, FailureReason, start and end
 * times. Returns the job, or undefined when it was deleted while it ran.
 */
export async function recordJobEnd(tx: StoreTx, clock: Clock, arn: string, kind: JobKind, outcome: JobOutcome): Promise<ResourceRecord | undefined> {
  const job = await tx.getResourceByArn(arn);
  if (!job) return undefined;
  const now = clock.now();
  const doc = {
    ...job.doc,
    [kind.statusMember]: outcome.status,
    FailureReason: outcome.failureReason,
    [kind.startMember]: toEpochSeconds(outcome.startedAt),
    [kind.endMember]: toEpochSeconds(outcome.endedAt),
    LastModifiedTime: toEpochSeconds(now),
  };
  await updateResource(tx, job, { status: outcome.status, doc: stripUndefined(doc), modifiedAt: now });
  return job;
}
