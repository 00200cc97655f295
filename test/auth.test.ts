/**
 * Strict mode over the real wire: requests signed by the real SDK client with a key of the keys
 * file are accepted and recorded as that identity in that account; every other request — unknown
 * key, wrong secret, tampered body, stale clock, no signature — is refused with AWS's 403 errors
 * and writes nothing, on the SageMaker API and on every `/api/v1` route alike.
 */
import {
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  CreateExperimentCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
  DescribeActionCommand,
  DescribeArtifactCommand,
  DescribeContextCommand,
  DescribeExperimentCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  DescribeTrialCommand,
  DescribeTrialComponentCommand,
  ListArtifactsCommand,
  ListContextsCommand,
  UpdateArtifactCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../src/cli/signed-fetch.js';
import { sessionOf } from '../src/sdk/session.js';
import type { AccessKey } from '../src/server/keys-file.js';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

const alice: AccessKey = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret/+=', account: '111111111111', identity: 'alice' };
const bob: AccessKey = { accessKeyId: 'AKIABOB0000000000002', secretAccessKey: 'bob-secret', account: '222222222222', identity: 'bob.smith@team' };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ keys: [alice, bob] });
});
afterAll(() => server.close());

const aliceIdentity = { IamIdentity: { Arn: 'arn:aws:iam::111111111111:user/alice', PrincipalId: alice.accessKeyId } };

async function artifactCount(client: SageMakerClient = server.client()): Promise<number> {
  return (await client.send(new ListArtifactsCommand({ MaxResults: 100 }))).ArtifactSummaries?.length ?? 0;
}

/** A request as the SDK signed it, captured before it is sent (and not sent). */
interface SignedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function captureSigned(client: SageMakerClient, command: CreateArtifactCommand): Promise<SignedRequest> {
  let captured: SignedRequest | undefined;
  client.middlewareStack.add(
    (_next) => (args) => {
      const request = args.request as { headers: Record<string, string>; body: string | Uint8Array };
      const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
      captured = { headers: { ...request.headers }, body };
      return Promise.reject(new Error('captured'));
    },
    { step: 'deserialize', name: 'captureSigned', priority: 'low' },
  );
  await client.send(command).catch(() => undefined);
  client.middlewareStack.remove('captureSigned');
  if (!captured) throw new Error('no request was captured');
  return captured;
}

function replay(request: SignedRequest, body: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const { host: _host, 'content-length': _length, ...headers } = request.headers;
  return fetch(server.url, { method: 'POST', headers: { ...headers, ...extraHeaders }, body });
}

async function errorOf(res: Response): Promise<{ status: number; type: string; message: string }> {
  const body = (await res.json()) as { __type: string; message: string };
  expect(res.headers.get('x-amzn-errortype')).toBe(body.__type);
  return { status: res.status, type: body.__type, message: body.message };
}

describe('strict mode: accepted requests', () => {
  it('records the key identity in CreatedBy/LastModifiedBy and the key account in ARNs', async () => {
    const sm = server.client({ accessKeyId: alice.accessKeyId });
    const { ArtifactArn } = await sm.send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://strict/train data.csv?v=1' } }));
    expect(ArtifactArn).toMatch(/^arn:aws:sagemaker:us-east-1:111111111111:artifact\//);
    await sm.send(new UpdateArtifactCommand({ ArtifactArn, Properties: { rows: '10' } }));
    const artifact = await sm.send(new DescribeArtifactCommand({ ArtifactArn }));
    expect(artifact.CreatedBy).toEqual(aliceIdentity);
    expect(artifact.LastModifiedBy).toEqual(aliceIdentity);
  });

  it('shows the identity on every kind of entity that has CreatedBy', async () => {
    const sm = server.client({ accessKeyId: bob.accessKeyId, region: 'eu-west-1' });
    const bobIdentity = { IamIdentity: { Arn: 'arn:aws:iam::222222222222:user/bob.smith@team', PrincipalId: bob.accessKeyId } };
    const source = { SourceUri: 's3://strict/bob' };
    const action = await sm.send(new CreateActionCommand({ ActionName: 'deploy', ActionType: 'ModelDeployment', Source: source }));
    expect(action.ActionArn).toBe('arn:aws:sagemaker:eu-west-1:222222222222:action/deploy');
    await sm.send(new CreateContextCommand({ ContextName: 'prod', ContextType: 'Endpoint', Source: source }));
    await sm.send(new CreateExperimentCommand({ ExperimentName: 'churn' }));
    await sm.send(new CreateTrialCommand({ TrialName: 'run-1', ExperimentName: 'churn' }));
    await sm.send(new CreateTrialComponentCommand({ TrialComponentName: 'train-1' }));
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'linear' }));
    const pkg = await sm.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: 'linear',
        InferenceSpecification: { Containers: [{ Image: 'img:1' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
      }),
    );
    expect(pkg.ModelPackageArn).toMatch(/^arn:aws:sagemaker:eu-west-1:222222222222:model-package\//);
    const described = [
      await sm.send(new DescribeActionCommand({ ActionName: 'deploy' })),
      await sm.send(new DescribeContextCommand({ ContextName: 'prod' })),
      await sm.send(new DescribeExperimentCommand({ ExperimentName: 'churn' })),
      await sm.send(new DescribeTrialCommand({ TrialName: 'run-1' })),
      await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'train-1' })),
      await sm.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'linear' })),
      await sm.send(new DescribeModelPackageCommand({ ModelPackageName: pkg.ModelPackageArn })),
    ];
    for (const d of described) expect(d.CreatedBy).toEqual(bobIdentity);
    // Alice, in another account but the same region, does not see Bob's context.
    const alicesView = server.client({ region: 'eu-west-1' });
    expect((await alicesView.send(new ListContextsCommand({}))).ContextSummaries).toEqual([]);
    await expect(alicesView.send(new DescribeContextCommand({ ContextName: 'prod' }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });
});

describe('strict mode: refused requests', () => {
  it('refuses an access key that is not in the keys file', async () => {
    const before = await artifactCount();
    const e = await awsError(
      server.client({ accessKeyId: 'AKIANOBODY0000000003', secretAccessKey: 'x' }).send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://x/unknown' } })),
    );
    expect(e).toEqual({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', status: 403 });
    expect(await artifactCount()).toBe(before);
  });

  it('refuses a signature made with the wrong secret', async () => {
    const before = await artifactCount();
    const e = await awsError(
      server.client({ accessKeyId: alice.accessKeyId, secretAccessKey: 'not-alice-secret' }).send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://x/wrong' } })),
    );
    expect(e.name).toBe('InvalidSignatureException');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
    expect(await artifactCount()).toBe(before);
  });

  it('refuses a signed request whose body was changed on the way', async () => {
    const signed = await captureSigned(server.client(), new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://x/original' } }));
    const before = await artifactCount();
    const tampered = await errorOf(await replay(signed, signed.body.replace('s3://x/original', 's3://x/tampered')));
    expect(tampered.status).toBe(403);
    expect(tampered.type).toBe('InvalidSignatureException');
    expect(await artifactCount()).toBe(before);
    // Claiming the original body's hash for the changed body does not help either.
    const originalHash = Buffer.from(await (async () => {
      const h = new Sha256();
      h.update(Buffer.from(signed.body));
      return h.digest();
    })()).toString('hex');
    const claimed = await errorOf(await replay(signed, signed.body.replace('original', 'tampered'), { 'x-amz-content-sha256': originalHash }));
    expect(claimed).toMatchObject({ status: 403, type: 'InvalidSignatureException' });
    expect(claimed.message).toContain('x-amz-content-sha256');
    expect(await artifactCount()).toBe(before);
    // The captured request itself was genuine.
    expect((await replay(signed, signed.body)).status).toBe(200);
    expect(await artifactCount()).toBe(before + 1);
  });

  it('refuses a signature dated more than 15 minutes ago', async () => {
    const e = await awsError(
      server.client({ systemClockOffset: -20 * 60 * 1000 }).send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://x/stale' } })),
    );
    expect(e.name).toBe('InvalidSignatureException');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await awsError(server.client({ systemClockOffset: 20 * 60 * 1000 }).send(new ListArtifactsCommand({})));
    expect(future.message).toMatch(/^Signature not yet current: /);
    // Within the window is fine.
    expect(await artifactCount(server.client({ systemClockOffset: -5 * 60 * 1000 }))).toBeGreaterThan(0);
  });

  it('refuses a request without Authorization, or with a malformed one', async () => {
    const before = await artifactCount();
    const body = JSON.stringify({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://x/unsigned' } });
    const missing = await server.raw('SageMaker.CreateArtifact', body);
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const cases: [Record<string, string>, string][] = [
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'AWS4-HMAC-SHA256'],
      [{ authorization: 'AWS4-HMAC-SHA256 Credential=AKIAALICE00000000001/20261121/us-east-1' }, 'Credential'],
      [{ authorization: `AWS4-HMAC-SHA256 Credential=${alice.accessKeyId}/20261121/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date` }, 'Signature'],
      [{ authorization: `AWS4-HMAC-SHA256 Credential=${alice.accessKeyId}/20261121/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` }, 'X-Amz-Date'],
      // A signed header the request lacks, named like a property every object inherits.
      [
        {
          authorization: `AWS4-HMAC-SHA256 Credential=${alice.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/sagemaker/aws4_request, SignedHeaders=constructor;host;x-amz-date, Signature=${'0'.repeat(64)}`,
          'x-amz-date': amzDate,
        },
        "'constructor'",
      ],
    ];
    for (const [headers, mentions] of cases) {
      const res = await server.raw('SageMaker.CreateArtifact', body, headers);
      expect(res.status).toBe(403);
      expect(res.json['__type']).toBe('IncompleteSignatureException');
      expect(String(res.json['message'])).toContain(mentions);
    }
    expect(await artifactCount()).toBe(before);
  });

  it('refuses a signature scoped to another service', async () => {
    const signer = new SignatureV4({ credentials: alice, region: 'us-east-1', service: 's3', sha256: Sha256 });
    const url = new URL(server.url);
    const body = '{}';
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.ListArtifacts' },
      body,
    });
    const { host: _host, ...headers } = signed.headers;
    const res = await errorOf(await fetch(server.url, { method: 'POST', headers, body }));
    expect(res).toEqual({ status: 403, type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'sagemaker'." });
  });
});

describe('strict mode: Stemma routes beyond the SageMaker API', () => {
  const unsigned: [string, string, string?][] = [
    ['GET', '/api/v1/entities?q=s3'],
    ['POST', '/api/v1/trial-components/train-1/metrics', JSON.stringify({ Metrics: [{ MetricName: 'loss', Value: 1 }] })],
    ['GET', '/api/v1/jobs/training-jobs/train-1/logs'],
    ['PUT', '/api/v1/objects/bucket/key.csv', 'a,b\n'],
    ['GET', '/api/v1/objects/bucket/key.csv'],
    ['GET', '/api/v1/objects/bucket/'],
    ['DELETE', '/api/v1/objects/bucket/key.csv'],
    ['POST', '/endpoints/prod/invocations', '1,2'],
    ['GET', '/api/v1/no-such-route'],
  ];

  it('refuses every route unsigned', async () => {
    for (const [method, path, body] of unsigned) {
      const res = await fetch(server.url + path, { method, ...(body === undefined ? {} : { body }) });
      expect([method, path, await errorOf(res)]).toEqual([method, path, { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }]);
    }
  });

  it('accepts them signed like the SageMaker API, with the caller account', async () => {
    const alices = sessionOf(server.client());
    const put = await signedFetch(alices, `${server.url}/api/v1/objects/strict-bucket/data%20set/part-1.csv`, { method: 'PUT', body: 'a,b\n1,2\n' });
    expect(put.status).toBe(200);
    const got = await signedFetch(alices, `${server.url}/api/v1/objects/strict-bucket/data%20set/part-1.csv`);
    expect(await got.text()).toBe('a,b\n1,2\n');
    const found = (await (await signedFetch(alices, `${server.url}/api/v1/entities?q=${encodeURIComponent('s3://strict/')}&limit=5`)).json()) as { Entities: { Arn: string }[] };
    expect(found.Entities.map((e) => e.Arn).every((arn) => arn.includes(':111111111111:'))).toBe(true);
    expect(found.Entities.length).toBeGreaterThan(0);
    const bobs = sessionOf(server.client({ accessKeyId: bob.accessKeyId, region: 'eu-west-1' }));
    const metrics = await signedFetch(bobs, `${server.url}/api/v1/trial-components/train-1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Metrics: [{ MetricName: 'loss', Value: 0.5 }] }),
    });
    expect(metrics.status).toBe(200);
    // Alice has no trial component of that name: her request is authenticated, then not found.
    const notHers = await signedFetch(alices, `${server.url}/api/v1/trial-components/train-1/metrics`, {
      method: 'POST',
      body: JSON.stringify({ Metrics: [{ MetricName: 'loss', Value: 0.5 }] }),
    });
    expect(notHers.status).toBe(400);
  });

  it('refuses a signed upload whose body was changed', async () => {
    const alices = sessionOf(server.client());
    let captured: { headers: Record<string, string> } | undefined;
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((_url: URL, init: RequestInit) => {
      captured = { headers: init.headers as Record<string, string> };
      return Promise.resolve(new Response('{}'));
    }) as typeof fetch;
    try {
      await signedFetch(alices, `${server.url}/api/v1/objects/strict-bucket/t.csv`, { method: 'PUT', body: 'genuine' });
    } finally {
      globalThis.fetch = realFetch;
    }
    const res = await fetch(`${server.url}/api/v1/objects/strict-bucket/t.csv`, { method: 'PUT', headers: captured?.headers, body: 'forged!' });
    expect(await errorOf(res)).toMatchObject({ status: 403, type: 'InvalidSignatureException' });
    const missing = await signedFetch(alices, `${server.url}/api/v1/objects/strict-bucket/t.csv`);
    expect(missing.status).toBe(404);
  });

  it('keeps the health check and the explorer files public', async () => {
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).not.toBe(403);
  });
});
