/**
 * Conformance with boto3, the client most SageMaker code uses: a Python script
 * (fixtures/boto3/conformance.py) drives a real Stemma server with boto3's own serialisation,
 * paginators and error parsing, and prints what it saw as JSON. Needs python3 with boto3
 * (`.ci/run` installs Debian's python3-boto3 when it is missing).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { startTestServer } from './harness.js';

const SCRIPT = join(import.meta.dirname, 'fixtures', 'boto3', 'conformance.py');
const ARN = 'arn:aws:sagemaker:us-east-1:000000000000';

interface Failure {
  code: string;
  message: string;
  status: number;
}

interface Results {
  artifacts: {
    describe: { name: string; type: string; source: unknown; properties: Record<string, string>; creationTimeIsDatetime: boolean };
    updated: { name: string; properties: Record<string, string> };
    list: { pages: number; names: string[] };
    bySource: string[];
    arns: string[];
  };
  actions: { describe: Record<string, unknown>; list: { pages: number; names: string[] } };
  contexts: { describe: Record<string, unknown>; list: { pages: number; names: string[] } };
  associations: { added: { source: string; destination: string }; listed: { pages: number; count: number; types: string[] }; afterDelete: string[] };
  queryLineage: { vertices: { arn: string; type: string; lineageType: string }[]; edges: [string, string, string][]; datasets: string[] };
  search: { pages: number; names: string[] };
  tags: { context: { Key: string; Value: string }[]; artifact: { Key: string; Value: string }[] };
  errors: Record<string, Failure | null>;
}

function runScript(endpoint: string): Promise<Results> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STEMMA_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'boto3-conformance',
    AWS_SECRET_ACCESS_KEY: 'dummy',
    AWS_REGION: 'us-east-1',
    // Nothing from the machine's AWS configuration may leak in.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  delete env['AWS_PROFILE'];
  delete env['AWS_SESSION_TOKEN'];
  return new Promise((resolve, reject) => {
    execFile('python3', [SCRIPT], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`conformance.py failed (python3 with boto3 is required): ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Results);
    });
  });
}

describe('boto3 against Stemma', () => {
  let server: TestServer;
  let r: Results;
  beforeAll(async () => {
    server = await startTestServer();
    r = await runScript(server.url);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('creates, describes, updates and pages through artifacts', () => {
    expect(r.artifacts.describe).toEqual({
      name: 'part-00',
      type: 'DataSet',
      source: { SourceUri: 's3://boto3-data/raw/part-00.csv', SourceTypes: [{ SourceIdType: 'S3ETag', Value: 'etag-0' }] },
      properties: { rows: '100', format: 'csv' },
      creationTimeIsDatetime: true,
    });
    expect(r.artifacts.updated).toEqual({ name: 'part-00-v2', properties: { rows: '99' } });
    expect(r.artifacts.list.pages).toBe(3);
    expect(r.artifacts.list.names).toEqual(['part-00-v2', ...Array.from({ length: 11 }, (_, i) => `part-${String(i + 1).padStart(2, '0')}`)]);
    expect(r.artifacts.bySource).toEqual([r.artifacts.arns[3]]);
  });

  it('creates, describes, updates and pages through actions and contexts', () => {
    const names = (kind: string): string[] => Array.from({ length: 7 }, (_, i) => `${kind}-${i}`);
    expect(r.actions.describe).toEqual({ name: 'action-0', type: 'Deployment', description: 'second', status: 'Completed', properties: { stage: 'prod' }, source: 'urn:boto3:action:0' });
    expect(r.actions.list).toEqual({ pages: 3, names: names('action') });
    expect(r.contexts.describe).toEqual({ name: 'context-0', type: 'Endpoint', description: 'second', status: null, properties: { stage: 'prod' }, source: 'urn:boto3:context:0' });
    expect(r.contexts.list).toEqual({ pages: 3, names: names('context') });
  });

  it('adds, lists over pages and deletes associations', () => {
    expect(r.associations.added).toEqual({ source: `${ARN}:action/action-0`, destination: `${ARN}:context/context-0` });
    expect(r.associations.listed).toEqual({ pages: 2, count: 4, types: ['ContributedTo'] });
    expect(r.associations.afterDelete).toEqual(r.artifacts.arns.slice(0, 3).sort());
  });

  it('answers QueryLineage with vertices in BFS order and every edge on the paths', () => {
    const datasets = r.artifacts.arns.slice(0, 3).sort();
    expect(r.queryLineage.vertices).toEqual([
      { arn: `${ARN}:context/context-0`, type: 'Endpoint', lineageType: 'Context' },
      { arn: `${ARN}:action/action-0`, type: 'Deployment', lineageType: 'Action' },
      ...datasets.map((arn) => ({ arn, type: 'DataSet', lineageType: 'Artifact' })),
    ]);
    expect(r.queryLineage.edges).toEqual([
      [`${ARN}:action/action-0`, `${ARN}:context/context-0`, 'AssociatedWith'],
      ...datasets.map((arn) => [arn, `${ARN}:action/action-0`, 'ContributedTo']),
    ]);
    expect(r.queryLineage.datasets).toEqual(datasets);
  });

  it("searches trial components through boto3's paginator, in the requested order", () => {
    expect(r.search).toEqual({ pages: 2, names: ['run-3', 'run-2', 'run-1'] });
  });

  it('adds and lists tags', () => {
    expect(r.tags.context).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'owner', Value: 'ml-platform' },
    ]);
    expect(r.tags.artifact).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  it("raises botocore ClientErrors with SageMaker's codes", () => {
    const missing = `${ARN}:artifact/0123456789abcdef0123456789abcdef`;
    expect(r.errors['describeMissingArtifact']).toEqual({ code: 'ResourceNotFound', status: 400, message: `Artifact ${missing} does not exist.` });
    expect(r.errors['describeMissingContext']).toEqual({ code: 'ResourceNotFound', status: 400, message: 'Context no-such-context does not exist.' });
    expect(r.errors['associateMissing']).toMatchObject({ code: 'ResourceNotFound', status: 400 });
    expect(r.errors['duplicateSource']).toMatchObject({ code: 'ValidationException', status: 400, message: expect.stringContaining('already exists') as unknown });
    expect(r.errors['maxResultsTooLarge']).toEqual({
      code: 'ValidationException',
      status: 400,
      message: "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    });
    expect(r.errors['deleteWithAssociations']).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('4 associations') as unknown });
    expect(r.errors['duplicateAssociation']).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('already exists') as unknown });
  });
});
