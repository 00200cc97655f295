import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './thread-messages.js';
import type { RequestEnvelope } from './thread-messages.js';

const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('thread messages', () => {
  it('carry a request whole: method, path, query, headers, caller and body', () => {
    const envelope: RequestEnvelope = {
      id: 41,
      request: {
        method: 'POST',
        path: '/',
        query: 'a=1&b=%20',
        headers: { 'x-amz-target': 'SageMaker.CreateArtifact', 'content-type': 'application/x-amz-json-1.1' },
        body: Buffer.from('{"ArtifactName":"données ✓ \\n"}'),
      },
      auth: { caller: { scope: { account: '111122223333', region: 'eu-west-1' }, user: { IamIdentity: { Arn: 'arn:aws:iam::111122223333:user/ana' } } } },
    };
    expect(decodeRequest(encodeRequest(envelope))).toEqual(envelope);
  });

  it('leave behind the signature and framing headers, which only the socket thread reads', () => {
    const signed = {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab',
      'x-amz-date': '20261121T120000Z',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-security-token': 'token',
      'amz-sdk-invocation-id': 'b0a5',
      'amz-sdk-request': 'attempt=1; max=3',
      host: '127.0.0.1:8080',
      connection: 'keep-alive',
      'content-length': '2',
    };
    const kept = { 'x-amz-target': 'SageMaker.ListArtifacts', 'content-type': 'application/x-amz-json-1.1', accept: '*/*', 'user-agent': 'aws-sdk-js' };
    const decoded = decodeRequest(
      encodeRequest({ id: 2, request: { method: 'POST', path: '/', headers: { ...signed, ...kept }, body: Buffer.from('{}') }, auth: { caller: { scope: { account: '000000000000', region: 'us-east-1' }, user: {} } } }),
    );
    expect(decoded.request.headers).toEqual(kept);
  });

  it('keep any bytes of a request body, and leave out an absent query', () => {
    const decoded = decodeRequest(
      encodeRequest({ id: 1, request: { method: 'PUT', path: '/api/v1/objects/b/k', headers: {}, body: everyByte }, auth: { error: { code: 'X', message: 'm', statusCode: 403 } } }),
    );
    expect(decoded.request.body.equals(everyByte)).toBe(true);
    expect('query' in decoded.request).toBe(false);
    expect(decoded.auth).toEqual({ error: { code: 'X', message: 'm', statusCode: 403 } });
  });

  it('carry a text response as text and a binary one as the same bytes', () => {
    const text = { id: 7, response: { status: 400, headers: { 'x-amzn-errortype': 'ValidationException' }, body: '{"message":"line\\nbreak ✓"}\n' } };
    expect(decodeResponse(encodeResponse(text))).toEqual(text);
    const binary = decodeResponse(encodeResponse({ id: 8, response: { status: 200, headers: {}, body: everyByte } }));
    expect(Buffer.isBuffer(binary.response.body) && binary.response.body.equals(everyByte)).toBe(true);
  });
});
