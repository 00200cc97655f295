/**
 * `stemma logs <job>`: what a training, processing or transform job wrote to stdout and stderr
 * (SageMaker sends this to CloudWatch Logs; Stemma keeps it with the job). Without `--kind` the
 * name is looked up among all three kinds, since SageMaker's job names are unique per kind only.
 * `--follow` prints the log as it grows until the job reaches a terminal state.
 */
import { DescribeProcessingJobCommand, DescribeTrainingJobCommand, DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { parseArn } from '../../sdk/arn.js';
import { isServiceError } from '../../sdk/errors.js';
import type { LineageSession } from '../../sdk/session.js';
import { UserError } from '../resolve.js';
import { restError } from '../rest-error.js';
import type { Target } from '../target.js';

export const JOB_KINDS = ['training', 'processing', 'transform'] as const;
export type JobKindName = (typeof JOB_KINDS)[number];

interface JobState {
  readonly status: string;
  readonly failureReason?: string;
}

/** How each kind's Describe reads; its label, ARN type and REST collection follow from its name. */
const DESCRIBE: Readonly<Record<JobKindName, (session: LineageSession, name: string) => Promise<JobState>>> = {
  training: async (s, name) => {
    const d = await s.client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    return { status: d.TrainingJobStatus ?? 'InProgress', failureReason: d.FailureReason };
  },
  processing: async (s, name) => {
    const d = await s.client.send(new DescribeProcessingJobCommand({ ProcessingJobName: name }));
    return { status: d.ProcessingJobStatus ?? 'InProgress', failureReason: d.FailureReason };
  },
  transform: async (s, name) => {
    const d = await s.client.send(new DescribeTransformJobCommand({ TransformJobName: name }));
    return { status: d.TransformJobStatus ?? 'InProgress', failureReason: d.FailureReason };
  },
};

/** As in messages: "training job". */
const labelOf = (kind: JobKindName): string => `${kind} job`;

const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);

export interface FoundJob {
  readonly kind: JobKindName;
  readonly name: string;
  readonly state: JobState;
}

async function describeIfExists(session: LineageSession, kind: JobKindName, name: string): Promise<JobState | undefined> {
  try {
    return await DESCRIBE[kind](session, name);
  } catch (e) {
    // A name that breaks a kind's name pattern cannot be a job of that kind either.
    if (isServiceError(e, 'ResourceNotFound') || isServiceError(e, 'ValidationException')) return undefined;
    throw e;
  }
}

function joinOr(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

/** Finds the job a name (or a job ARN) refers to: of the given kind, or of the only kind that has it. */
export async function findJob(session: LineageSession, ref: string, kind?: JobKindName): Promise<FoundJob> {
  let name = ref;
  let kinds: readonly JobKindName[] = kind === undefined ? JOB_KINDS : [kind];
  const arn = parseArn(ref);
  if (arn) {
    const byArn = JOB_KINDS.find((k) => `${k}-job` === arn.kind);
    if (byArn === undefined || (kind !== undefined && kind !== byArn)) throw new UserError(`${ref} is not the ARN of a ${kind === undefined ? 'training, processing or transform' : kind} job.`);
    name = arn.name;
    kinds = [byArn];
  }
  const states = await Promise.all(kinds.map(async (k) => ({ kind: k, state: await describeIfExists(session, k, name) })));
  const found = states.flatMap((s) => (s.state === undefined ? [] : [{ kind: s.kind, name, state: s.state }]));
  const [first, second] = found;
  if (first === undefined) throw new UserError(`No ${joinOr(kinds)} job named ${name}.`);
  if (second !== undefined) {
    throw new UserError(`${name} names a ${joinOr(found.map((f) => labelOf(f.kind)))}: pass ${joinOr(found.map((f) => `--kind ${f.kind}`))}.`);
  }
  return first;
}

/** The job's whole log so far. */
export async function readLog(target: Target, job: { kind: JobKindName; name: string }): Promise<Buffer> {
  const res = await target.rest(`/api/v1/jobs/${job.kind}-jobs/${encodeURIComponent(job.name)}/logs`);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status === 200) return body;
  throw restError(res.status, body.toString('utf8'), `Cannot read the logs of ${jobLabel(job)}`);
}

export interface FollowOptions {
  readonly intervalMs: number;
  readonly write: (chunk: Buffer) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Prints the log as it grows until the job ends, then what it wrote last. The state is read before
 * the log, so the log read after seeing a terminal state is complete. Answers the final state.
 */
export async function followLog(target: Target, job: FoundJob, options: FollowOptions): Promise<JobState> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let printed = 0;
  let state = job.state;
  for (;;) {
    const log = await readLog(target, job);
    // The log only grows; print what is new since the last read.
    if (log.length > printed) options.write(log.subarray(printed));
    printed = Math.max(printed, log.length);
    if (TERMINAL.has(state.status)) return state;
    await sleep(options.intervalMs);
    state = await DESCRIBE[job.kind](target.session, job.name);
  }
}

export function jobLabel(job: { kind: JobKindName; name: string }): string {
  return `${labelOf(job.kind)} ${job.name}`;
}
