import { Sha256Node } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.js';
import type { HttpRequest } from './http-types.js';
import { strictAuthenticator } from './strict-auth.js';

const key = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret', account: '111111111111', identity: 'alice' };
const NOW = Date.UTC(2026, 10, 21, 18, 0, 0);
const auth = strictAuthenticator({ keys: [key], clock: { now: () => NOW } });

async function signedRequest(at: number, options: { path?: string; query?: Record<string, string>; body?: string } = {}): Promise<HttpRequest> {
  const signer = new SignatureV4({ credentials: key, region: 'eu-west-1', service: 'sagemaker', sha256: Sha256Node });
  const body = options.body ?? '{}';
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: 'stemma', path: options.path ?? '/', query: options.query ?? {}, headers: { host: 'stemma:8080', 'x-amz-target': 'SageMaker.ListArtifacts' }, body },
    { signingDate: new Date(at) },
  );
  const query = new URLSearchParams(options.query ?? {}).toString();
  return { method: 'POST', path: options.path ?? '/', ...(query ? { query } : {}), headers: signed.headers, body: Buffer.from(body) };
}

async function refusal(request: HttpRequest): Promise<{ code: string; message: string; status: number }> {
  try {
    await auth.authenticate(request);
  } catch (e) {
    if (e instanceof ServiceError) return { code: e.code, message: e.message, status: e.statusCode };
    throw e;
  }
  throw new Error('expected the request to be refused');
}

describe('strictAuthenticator', () => {
  it('accepts a request signed with the key, as the key account and identity, in the scope region', async () => {
    const request = await signedRequest(NOW, { path: '/api/v1/objects/b/a%20b.csv', query: { q: 's3://x y', limit: '5' }, body: 'data' });
    expect(await auth.authenticate(request)).toEqual({
      scope: { account: '111111111111', region: 'eu-west-1' },
      user: { IamIdentity: { Arn: 'arn:aws:iam::111111111111:user/alice', PrincipalId: key.accessKeyId } },
    });
  });

  it('accepts a signature up to 15 minutes old or early, and refuses one beyond, in AWS words', async () => {
    const fifteen = 15 * 60 * 1000;
    for (const at of [NOW - fifteen, NOW + fifteen]) {
      const request = await signedRequest(at);
      await expect(auth.authenticate(request)).resolves.toBeDefined();
    }
    expect(await refusal(await signedRequest(NOW - fifteen - 1000))).toEqual({
      code: 'InvalidSignatureException',
      status: 403,
      message: 'Signature expired: 20261121T174459Z is now earlier than 20261121T174500Z (20261121T180000Z - 15 min.)',
    });
    expect(await refusal(await signedRequest(NOW + fifteen + 1000))).toEqual({
      code: 'InvalidSignatureException',
      status: 403,
      message: 'Signature not yet current: 20261121T181501Z is still later than 20261121T181500Z (20261121T180000Z + 15 min.)',
    });
  });

  it('refuses a changed path, query, signed header or body', async () => {
    const request = await signedRequest(NOW, { path: '/api/v1/entities', query: { q: 'a' }, body: 'x' });
    const changes: HttpRequest[] = [
      { ...request, path: '/api/v1/objects' },
      { ...request, query: 'q=b' },
      { ...request, headers: { ...request.headers, 'x-amz-target': 'SageMaker.DeleteArtifact' } },
      { ...request, body: Buffer.from('y') },
      { ...request, method: 'PUT' },
    ];
    for (const changed of changes) expect((await refusal(changed)).code).toBe('InvalidSignatureException');
  });

  it('refuses an X-Amz-Date that is not a real time', async () => {
    const request = await signedRequest(NOW);
    for (const date of ['20261131T120000Z', '20261321T120000Z', '2026-11-21T18:00:00Z']) {
      const r = await refusal({ ...request, headers: { ...request.headers, 'x-amz-date': date } });
      expect(r.code).toBe('IncompleteSignatureException');
      expect(r.message).toContain('X-Amz-Date');
    }
  });
});
