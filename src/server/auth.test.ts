import { describe, expect, it } from 'vitest';
import { openAuthenticator } from './auth.js';

describe('the open authenticator', () => {
  const authorization = 'AWS4-HMAC-SHA256 Credential=AKIDANA/20261122/eu-west-1/sagemaker/aws4_request, SignedHeaders=host, Signature=0';

  it('takes the key as the identity and the region from the scope, in account 000000000000', async () => {
    const caller = await openAuthenticator().authenticate({ method: 'POST', path: '/', headers: { authorization }, body: Buffer.alloc(0) });
    expect(caller).toEqual({
      scope: { account: '000000000000', region: 'eu-west-1' },
      user: { IamIdentity: { Arn: 'arn:aws:iam::000000000000:user/AKIDANA', PrincipalId: 'AKIDANA' } },
    });
  });

  it('hands out callers that cannot be changed, as the threaded server shares one among requests', async () => {
    const caller = await openAuthenticator().authenticate({ method: 'POST', path: '/', headers: {}, body: Buffer.alloc(0) });
    expect(caller.scope.region).toBe('us-east-1');
    expect([caller, caller.scope, caller.user, caller.user.IamIdentity].every((part) => Object.isFrozen(part))).toBe(true);
  });

  it('hands a key the same caller for every request in a region, and another in another region', async () => {
    const open = openAuthenticator();
    const request = (region: string) => ({
      method: 'POST',
      path: '/',
      headers: { authorization: authorization.replace('eu-west-1', region) },
      body: Buffer.alloc(0),
    });
    const [a, b, c] = await Promise.all([open.authenticate(request('eu-west-1')), open.authenticate(request('eu-west-1')), open.authenticate(request('us-west-2'))]);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(c.scope.region).toBe('us-west-2');
  });
});
