/**
 * Who a request comes from. In `open` mode (the default on loopback) any credentials are accepted:
 * the signature is parsed but not checked, every key maps to account 000000000000, and the access
 * key becomes the identity recorded in CreatedBy. The region always comes from the credential scope.
 * `strict` mode (strict-auth.ts) verifies the signature against the keys file.
 */
import type { Scope } from '../core/arn.js';
import type { UserContext } from '../core/model.js';
import type { HttpRequest } from './http-types.js';
import { parseAuthorization } from './sigv4.js';

export interface Caller {
  readonly scope: Scope;
  readonly user: UserContext;
}

export interface Authenticator {
  /**
   * The caller of a request, or a 4xx ServiceError. Most authenticators read only the
   * Authorization header; a verifying one re-signs the whole request.
   */
  authenticate(request: HttpRequest): Caller | Promise<Caller>;
}

export const OPEN_MODE_ACCOUNT = '000000000000';

/**
 * A caller that nothing may change. The threaded server hands one caller object to every request
 * of the same caller (thread-messages.ts), so callers are frozen where they are made, in every
 * mode: a handler that tried to change one fails in every test instead of in one mode.
 */
export function frozenCaller(scope: Scope, user: UserContext): Caller {
  const identity = user.IamIdentity ? { IamIdentity: Object.freeze({ ...user.IamIdentity }) } : {};
  return Object.freeze({ scope: Object.freeze({ ...scope }), user: Object.freeze({ ...user, ...identity }) });
}

/** Callers an open authenticator keeps, so that a key's requests share one (a few keys is usual). */
const OPEN_CALLERS_KEPT = 1024;

export function openAuthenticator(defaultRegion = 'us-east-1'): Authenticator {
  const callers = new Map<string, Caller>();
  return {
    authenticate({ headers }) {
      const credential = parseAuthorization(headers['authorization']);
      const accessKeyId = credential?.accessKeyId ?? 'anonymous';
      const region = credential?.region ?? defaultRegion;
      const key = `${accessKeyId}\u0000${region}`;
      const kept = callers.get(key);
      if (kept) return kept;
      const account = OPEN_MODE_ACCOUNT;
      const caller = frozenCaller({ account, region }, { IamIdentity: { Arn: `arn:aws:iam::${account}:user/${accessKeyId}`, PrincipalId: accessKeyId } });
      if (callers.size >= OPEN_CALLERS_KEPT) callers.clear();
      callers.set(key, caller);
      return caller;
    },
  };
}
