/**
 * Fuzzing every operation of the service table over the real wire: invalid, mutated, oversized
 * and random requests, sent raw (AWS JSON 1.1 over HTTP) to a real server on this run's backend.
 * Every answer must be a 4xx AWS JSON error with `__type` and a message (or, for inputs that may
 * be valid, a 200), never a 5xx or a dropped connection; and a refused request must leave the
 * store exactly as it was (its fingerprint, read straight from the database, unchanged).
 *
 * Bounded in `npm test`; `STEMMA_RELIABILITY=full` (npm run reliability -- fuzz) tries many more
 * inputs per operation.
 */
import fc from 'fast-check';
import {
  AddAssociationCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  CreateExperimentCommand,
  CreateModelPackageGroupCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNextToken } from '../../src/api/pagination.js';
import { validateRequest } from '../../src/api/validation/validate.js';
import { databasePath } from '../../src/storage/open-store.js';
import type { TestServer } from '../harness.js';
import { postAwsJson, startTestServer, testBackend } from '../harness.js';
import type { TestDatabase } from '../postgres-databases.js';
import { freshDatabase } from '../postgres-databases.js';
import type { FuzzCase } from './fuzz-inputs.js';
import { fuzzCases, validRequest } from './fuzz-inputs.js';
import { iterations, printSummary, seed, testTimeout } from './reliability-env.js';
import type { Fingerprint, StoreProbe } from './store-fingerprint.js';
import { fingerprintChanges, postgresProbe, sqliteProbe } from './store-fingerprint.js';

const SEED = seed(20_261_121);
const RUNS_PER_OPERATION = iterations(16, 400);

let db: TestDatabase | undefined;
let server: TestServer;
let probe: StoreProbe;

beforeAll(async () => {
  db = testBackend() === 'postgres' ? await freshDatabase() : undefined;
  server = await startTestServer({ db: db?.url });
  // Something to page through, describe and break.
  const sm = server.client();
  const a = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://fuzz/a' }, ArtifactType: 'DataSet' }));
  const c = await sm.send(new CreateContextCommand({ ContextName: 'fuzz-context', Source: { SourceUri: 'ep' }, ContextType: 'Endpoint' }));
  await sm.send(new AddAssociationCommand({ SourceArn: a.ArtifactArn, DestinationArn: c.ContextArn }));
  await sm.send(new CreateExperimentCommand({ ExperimentName: 'fuzz-experiment' }));
  await sm.send(new CreateTrialCommand({ TrialName: 'fuzz-trial', ExperimentName: 'fuzz-experiment' }));
  await sm.send(new CreateTrialComponentCommand({ TrialComponentName: 'fuzz-component' }));
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'fuzz-group' }));
  probe = db ? await postgresProbe(db.url) : sqliteProbe(databasePath(server.dataDir));
});

afterAll(async () => {
  await probe?.close();
  await server?.close();
  await db?.drop();
});

interface Answer {
  readonly status: number;
  readonly type?: unknown;
  readonly message?: unknown;
  /** Set when no HTTP answer came (connection dropped) or it was not AWS JSON. */
  readonly broken?: string;
}

async function send(target: string | undefined, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  let res: { status: number; text: string };
  try {
    res = await postAwsJson(server.url, target, body, headers);
  } catch (e) {
    return { status: 0, broken: `no answer: ${(e as Error).message}` };
  }
  if (res.status === 200) return { status: 200 };
  try {
    const json = JSON.parse(res.text) as Record<string, unknown>;
    return { status: res.status, type: json['__type'], message: json['message'] };
  } catch {
    return { status: res.status, broken: `not JSON: ${res.text.slice(0, 120)}` };
  }
}

interface Tally {
  tried: number;
  refused: number;
  accepted: number;
  serverErrors: number;
  partialWrites: number;
}

/** Judges one answer; returns what is wrong with it, if anything. */
function problemsOf(c: Pick<FuzzCase, 'mustReject'>, answer: Answer, changes: readonly string[]): string[] {
  const problems: string[] = [];
  if (answer.broken) problems.push(answer.broken);
  else if (answer.status >= 500) problems.push(`server error ${answer.status} ${String(answer.type)}: ${String(answer.message)}`);
  else if (answer.status === 200) {
    if (c.mustReject) problems.push('accepted an invalid request');
  } else {
    if (answer.status < 400) problems.push(`status ${answer.status}`);
    if (typeof answer.type !== 'string' || answer.type === '') problems.push('no __type');
    if (typeof answer.message !== 'string' || answer.message === '') problems.push('no message');
    if (changes.length > 0) problems.push(`refused but wrote: ${changes.join(', ')}`);
  }
  return problems;
}

const forge = (operation: string, request: Record<string, unknown>, value: string | number, id: string | number): string =>
  encodeNextToken(operation, request, { value, id });

describe('fuzzing every operation over the wire', { timeout: testTimeout() }, () => {
  it('has a valid smallest request for every operation, to mutate', () => {
    // The generator's bases are checked by the server's own validator, so "breaks exactly one
    // thing" really means invalid because of that one thing.
    const invalid = server.running.api.operations.filter((op) => {
      try {
        validateRequest(op, validRequest(op, SEED));
        return false;
      } catch {
        return true;
      }
    });
    expect(invalid).toEqual([]);
  });

  it('answers every invalid input with a 4xx AWS error and writes nothing', async () => {
    const failures: string[] = [];
    const perOperation = new Map<string, number>();
    const total: Tally = { tried: 0, refused: 0, accepted: 0, serverErrors: 0, partialWrites: 0 };
    let before: Fingerprint = await probe.fingerprint();
    for (const operation of server.running.api.operations) {
      const cases = fc.sample(fuzzCases(operation, SEED, forge), { seed: SEED, numRuns: RUNS_PER_OPERATION });
      for (const c of cases) {
        const answer = await send(`SageMaker.${operation}`, c.body);
        const after = await probe.fingerprint();
        const changes = answer.status === 200 ? [] : fingerprintChanges(before, after);
        before = after;
        total.tried++;
        if (answer.status === 200) total.accepted++;
        else total.refused++;
        if (answer.status >= 500 || answer.broken) total.serverErrors++;
        if (changes.length > 0) total.partialWrites++;
        const problems = problemsOf(c, answer, changes);
        if (problems.length > 0) {
          const body = typeof c.body === 'string' ? c.body : `<${c.body.length} bytes>`;
          failures.push(`${operation} [${c.kind}] ${problems.join('; ')} — body ${body.slice(0, 300)}`);
        }
      }
      perOperation.set(operation, cases.length);
    }
    printSummary('fuzz', {
      backend: testBackend(),
      operations: perOperation.size,
      inputsPerOperation: RUNS_PER_OPERATION,
      inputs: total.tried,
      refused: total.refused,
      acceptedMaybeValid: total.accepted,
      '5xx': total.serverErrors,
      partialWrites: total.partialWrites,
      seed: SEED,
    });
    expect(failures.slice(0, 30)).toEqual([]);
  });

  it('answers oversized and misaddressed requests with AWS errors, writing nothing', async () => {
    const before = await probe.fingerprint();
    const huge = Buffer.alloc(17 * 1024 * 1024, 0x20);
    const cases: ReadonlyArray<readonly [string, string | undefined, string | Buffer, Record<string, string>?]> = [
      ['body over 16 MiB', 'SageMaker.CreateArtifact', huge],
      ['1 MiB member', 'SageMaker.CreateArtifact', JSON.stringify({ Source: { SourceUri: 'x'.repeat(1 << 20) }, ArtifactType: 'DataSet' })],
      ['no target', undefined, '{}'],
      ['unknown target', 'SageMaker.NoSuchThing', '{}'],
      ['other service', 'DynamoDB_20120810.ListTables', '{}'],
      ['JSON array body', 'SageMaker.ListArtifacts', '[]'],
      ['form body', 'SageMaker.CreateArtifact', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }],
    ];
    const failures: string[] = [];
    for (const [label, target, body, headers] of cases) {
      const answer = await send(target, body, headers);
      const problems = problemsOf({ mustReject: true }, answer, fingerprintChanges(before, await probe.fingerprint()));
      if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });
});
