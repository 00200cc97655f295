/**
 * What Stemma's SigV4 signers (the CLI's `/api/v1` calls, the explorer's sign-in) and its verifier
 * (strict mode) must agree on, in one place. Free of Node modules: the explorer bundles it too.
 */

/** The service in a signature's credential scope: Stemma signs and verifies as SageMaker. */
export const SIGNING_SERVICE = 'sagemaker';

/** A query string as a SigV4 signer takes it: decoded names to decoded values (repeated names to lists). */
export function signingQuery(params: URLSearchParams): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const previous = bag[name];
    bag[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return bag;
}
