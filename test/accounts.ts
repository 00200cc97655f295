/**
 * A test-only authenticator for multi-account tests, so a test can use any number of accounts
 * without writing a keys file: the access key `acct-<12 digits>-<name>` is that account with
 * identity `<name>`; any other key is open mode's account 000000000000. The signature is parsed,
 * never checked (strict mode's own tests sign for real: test/auth.test.ts).
 */
import type { Authenticator } from '../src/server/auth.js';
import { OPEN_MODE_ACCOUNT } from '../src/server/auth.js';
import { parseAuthorization } from '../src/server/sigv4.js';

const KEY = /^acct-(\d{12})-(.+)$/;

export function testAccountsAuthenticator(defaultRegion = 'us-east-1'): Authenticator {
  return {
    authenticate({ headers }) {
      const credential = parseAuthorization(headers['authorization']);
      const accessKeyId = credential?.accessKeyId ?? 'anonymous';
      const m = KEY.exec(accessKeyId);
      const account = m?.[1] ?? OPEN_MODE_ACCOUNT;
      const name = m?.[2] ?? accessKeyId;
      return {
        scope: { account, region: credential?.region ?? defaultRegion },
        user: { IamIdentity: { Arn: `arn:aws:iam::${account}:user/${name}`, PrincipalId: accessKeyId } },
      };
    },
  };
}

/** The access key of a test identity in an account. */
export function accountKey(account: string, name = 'user'): string {
  return `acct-${account}-${name}`;
}

/**
 * A call to `/api/v1/lineage-group/shares` as the account of `accessKey`. The test authenticator
 * reads only the credential scope, so the signature is a placeholder.
 */
export async function sharesCall(
  url: string,
  accessKey: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(new URL('/api/v1/lineage-group/shares', url), {
    method,
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=00`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
