/**
 * Calls Stemma's own `/api/v1/…` routes with the session's credentials and region, SigV4-signed as
 * the `sagemaker` service exactly like the session's SageMaker requests, so a server in strict
 * mode accepts them. Signing uses `@smithy/signature-v4`, the signer of the AWS SDK itself.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { SIGNING_SERVICE, signingQuery } from '../core/signing.js';
import type { LineageSession } from '../sdk/session.js';

export interface SignedRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** `fetch`, signed with the session's credentials (the SDK's default provider chain unless it was given others). */
export async function signedFetch(session: LineageSession, url: string | URL, init: SignedRequestInit = {}): Promise<Response> {
  const target = new URL(url);
  const config = session.client.config;
  const signer = new SignatureV4({ credentials: config.credentials, region: config.region, service: SIGNING_SERVICE, sha256: Sha256 });
  const headers: Record<string, string> = { host: target.host };
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  const method = init.method ?? 'GET';
  const signed = await signer.sign({
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port === '' ? undefined : Number(target.port),
    path: target.pathname,
    query: signingQuery(target.searchParams),
    headers,
    body: init.body,
  });
  // fetch sets Host itself, to the same value.
  const { host: _host, ...sent } = signed.headers;
  return fetch(target, { method, headers: sent, ...(init.body === undefined ? {} : { body: init.body }) });
}
