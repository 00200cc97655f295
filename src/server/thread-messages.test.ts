import { describe, expect, it } from 'vitest';
import { CallerNumbers, decodeRequest, decodeResponse, encodeRequest, encodeResponse, KnownCallers } from './thread-messages.js';
import type { AuthOutcome, RequestEnvelope } from './thread-messages.js';

const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** The two ends of one socket-thread-to-application-thread channel. */
function channel(): { send: (envelope: RequestEnvelope) => string; receive: (message: string) => RequestEnvelope } {
  const numbers = new CallerNumbers();
  const known = new KnownCallers();
  return { send: (envelope) => encodeRequest(envelope, numbers), receive: (message) => decodeRequest(message, known) };
}

const callerOf = (account: string, user: string): AuthOutcome => ({
  caller: { scope: { account, region: 'eu-west-1' }, user: { IamIdentity: { Arn: `arn:aws:iam::${account}:user/${user}`, PrincipalId: user } } },
});

const post = (id: number, auth: AuthOutcome): RequestEnvelope => ({ id, request: { method: 'POST', path: '/', headers: {}, body: Buffer.from('{}') }, auth });

describe('thread messages', () => {
  it('carry a request whole: method, path, query, headers, caller and body', () => {
    const { send, receive } = channel();
    const envelope: RequestEnvelope = {
      id: 41,
      request: {
        method: 'POST',
        path: '/',
        query: 'a=1&b=%20',
        headers: { 'x-amz-target': 'SageMaker.CreateArtifact', 'content-type': 'application/x-amz-json-1.1' },
        body: Buffer.from('{"ArtifactName":"données ✓ \\n"}'),
      },
      auth: callerOf('111122223333', 'ana'),
    };
    expect(receive(send(envelope))).toEqual(envelope);
  });

  it('send a caller whole once and by its number after that, each number naming its own caller', () => {
    const { send, receive } = channel();
    const ana = callerOf('111122223333', 'ana');
    const bo = callerOf('444455556666', 'bo');
    const messages = [post(1, ana), post(2, bo), post(3, { ...ana }), post(4, bo)].map(send);
    expect(messages.map((m) => m.includes('ana') || m.includes('bo'))).toEqual([true, true, false, false]);
    expect(messages.map((m) => receive(m).auth)).toEqual([ana, bo, ana, bo]);
  });

  it('send a caller object that was changed between requests as what it holds now', () => {
    const { send, receive } = channel();
    const changing = { caller: { scope: { account: '111122223333', region: 'eu-west-1' }, user: {} } };
    expect(receive(send(post(1, changing))).auth).toEqual(changing);
    changing.caller.scope.account = '444455556666';
    expect(receive(send(post(2, changing))).auth).toEqual({ caller: { scope: { account: '444455556666', region: 'eu-west-1' }, user: {} } });
  });

  it('hand every request of a caller the same frozen caller, so no request can change it for another', () => {
    const { send, receive } = channel();
    const first = receive(send(post(1, callerOf('111122223333', 'ana'))));
    const second = receive(send(post(2, callerOf('111122223333', 'ana'))));
    expect(second.auth).toBe(first.auth);
    expect(Object.isFrozen(first.auth)).toBe(true);
    if (!('caller' in first.auth)) throw new Error('expected a caller');
    expect(Object.isFrozen(first.auth.caller.user.IamIdentity)).toBe(true);
  });

  it('send authentication errors whole every time, and callers whole once the table of numbers is full', () => {
    const { send, receive } = channel();
    const error: AuthOutcome = { error: { code: 'InvalidSignatureException', message: 'Signature expired: 20261122T000000Z', statusCode: 403 } };
    expect([send(post(1, error)), send(post(2, error))].map((m) => receive(m).auth)).toEqual([error, error]);
    // Far more distinct callers than the table holds: each still arrives as itself.
    const callers = Array.from({ length: 1500 }, (_, i) => callerOf('111122223333', `user-${i}`));
    const received = callers.map((c, i) => receive(send(post(i, c))).auth);
    expect(received).toEqual(callers);
    expect(receive(send(post(2000, callers[1499] as AuthOutcome))).auth).toEqual(callers[1499]);
  });

  it('refuse a caller number that was never sent', () => {
    expect(() => decodeRequest('[1,"POST","/",null,{},0]\n{}', new KnownCallers())).toThrow(/caller 0 before it was sent/);
  });

  it('leave behind the signature and framing headers, which only the socket thread reads', () => {
    const { send, receive } = channel();
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
    const decoded = receive(
      send({ id: 2, request: { method: 'POST', path: '/', headers: { ...signed, ...kept }, body: Buffer.from('{}') }, auth: { caller: { scope: { account: '000000000000', region: 'us-east-1' }, user: {} } } }),
    );
    expect(decoded.request.headers).toEqual(kept);
  });

  it('keep any bytes of a request body, and leave out an absent query', () => {
    const { send, receive } = channel();
    const decoded = receive(send({ id: 1, request: { method: 'PUT', path: '/api/v1/objects/b/k', headers: {}, body: everyByte }, auth: { error: { code: 'X', message: 'm', statusCode: 403 } } }));
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
