/**
 * Strict mode: every request must carry a valid SigV4 `Authorization` header made with a key of
 * the keys file. Verification re-signs the request as received — method, path, query, exactly the
 * headers the client listed in SignedHeaders, and the SHA-256 of the body bytes that actually
 * arrived — with the key's secret, using `@smithy/signature-v4` (the signer the AWS SDKs use), and
 * compares the two signatures in constant time. Nothing of SigV4's canonicalisation is
 * re-implemented here, so Stemma and its clients cannot disagree about it.
 *
 * Errors follow AWS's JSON services (see docs/behaviour.md, "Authentication"), all HTTP 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256Node } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { ServiceError } from '../core/errors.js';
import { SIGNING_SERVICE, signingQuery } from '../core/signing.js';
import type { Clock } from '../core/clock.js';
import type { Authenticator, Caller } from './auth.js';
import { frozenCaller } from './auth.js';
import type { HttpRequest } from './http-types.js';
import type { AccessKey } from './keys-file.js';
import { parseAuthorization } from './sigv4.js';

/** Stemma signs and verifies as the `sagemaker` service, as SageMaker and SageMaker Runtime clients do. */
/** How far X-Amz-Date may be from the server's clock, either way (AWS's SigV4 window). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const CONTENT_SHA256 = 'x-amz-content-sha256';

function authError(code: string, message: string): ServiceError {
  return new ServiceError(code, message, { statusCode: 403 });
}

function incomplete(problem: string): ServiceError {
  return authError('IncompleteSignatureException', problem);
}

function invalid(message: string): ServiceError {
  return authError('InvalidSignatureException', message);
}

/** `20261121T182500Z` → milliseconds, or undefined when it is not that form or not a real time. */
function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20261131 over into December; a real date survives the round trip.
  const back = new Date(ms);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s ? ms : undefined;
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}

function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface StrictAuthOptions {
  readonly keys: readonly AccessKey[];
  readonly clock: Clock;
}

export function strictAuthenticator(options: StrictAuthOptions): Authenticator {
  const keys = new Map(options.keys.map((k) => [k.accessKeyId, k]));
  // One signer per key: each caches its derived signing keys (per date, region and service).
  const signers = new Map<string, SignatureV4>();
  function signerFor(key: AccessKey): SignatureV4 {
    let signer = signers.get(key.accessKeyId);
    if (!signer) {
      signer = new SignatureV4({
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
        region: 'us-east-1',
        service: SIGNING_SERVICE,
        sha256: Sha256Node,
        applyChecksum: false,
        uriEscapePath: true,
      });
      signers.set(key.accessKeyId, signer);
    }
    return signer;
  }

  async function expectedSignature(key: AccessKey, request: HttpRequest, signed: readonly string[], signingDate: number, region: string, bodyHash: string): Promise<string> {
    const headers: Record<string, string> = {};
    for (const name of signed) {
      // Own properties only: a signed-header name such as "constructor" must not find Object's.
      const value = Object.hasOwn(request.headers, name) ? request.headers[name] : undefined;
      if (typeof value !== 'string') throw incomplete(`Authorization header lists '${name.slice(0, 64)}' in SignedHeaders, but the request has no such header.`);
      headers[name] = value;
    }
    // The payload hash is always the one of the bytes received; a signed x-amz-content-sha256 has
    // already been checked against it.
    headers[CONTENT_SHA256] ??= bodyHash;
    const resigned = await signerFor(key).sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: request.headers['host'] ?? '',
        path: request.path,
        query: signingQuery(new URLSearchParams(request.query ?? '')),
        headers,
        body: undefined,
      },
      {
        signingDate: new Date(signingDate),
        signingRegion: region,
        signingService: SIGNING_SERVICE,
        signableHeaders: new Set(signed),
        // Our own stand-in for the payload hash is not part of the client's canonical headers.
        unsignableHeaders: signed.includes(CONTENT_SHA256) ? undefined : new Set([CONTENT_SHA256]),
      },
    );
    const authorization = resigned.headers['authorization'] ?? '';
    return /Signature=([0-9a-f]+)$/.exec(authorization)?.[1] ?? '';
  }

  return {
    async authenticate(request): Promise<Caller> {
      const { headers } = request;
      const header = headers['authorization'];
      if (header === undefined || header.trim() === '') throw authError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      if (!/^AWS4-HMAC-SHA256\s/.test(header.trim())) {
        throw incomplete("Authorization header requires the 'AWS4-HMAC-SHA256' algorithm (SigV4); presigned and other schemes are not accepted.");
      }
      const credential = parseAuthorization(header);
      if (!credential) {
        throw incomplete("Authorization header requires a 'Credential' parameter of the form <access key>/<yyyymmdd>/<region>/<service>/aws4_request.");
      }
      if (credential.signedHeaders.length === 0) throw incomplete("Authorization header requires a 'SignedHeaders' parameter.");
      if (!/^[0-9a-f]{64}$/.test(credential.signature)) throw incomplete("Authorization header requires a 'Signature' parameter of 64 hex digits.");
      if (!credential.signedHeaders.includes('host')) throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
      const dateHeader = headers['x-amz-date'];
      if (dateHeader === undefined) throw incomplete("Authorization header requires existence of an 'X-Amz-Date' header.");
      const signingDate = parseAmzDate(dateHeader);
      if (signingDate === undefined) throw incomplete(`X-Amz-Date '${dateHeader.slice(0, 32)}' is not of the form yyyyMMddTHHmmssZ.`);

      const key = keys.get(credential.accessKeyId);
      if (!key) throw authError('UnrecognizedClientException', 'The security token included in the request is invalid.');

      if (credential.service !== SIGNING_SERVICE) {
        throw invalid(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'.`);
      }
      if (credential.date !== dateHeader.slice(0, 8)) {
        throw invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credential.date.slice(0, 16)}' != '${dateHeader.slice(0, 8)}'.`);
      }
      const now = options.clock.now();
      if (signingDate < now - MAX_CLOCK_SKEW_MS) {
        throw invalid(`Signature expired: ${dateHeader} is now earlier than ${amzDate(now - MAX_CLOCK_SKEW_MS)} (${amzDate(now)} - 15 min.)`);
      }
      if (signingDate > now + MAX_CLOCK_SKEW_MS) {
        throw invalid(`Signature not yet current: ${dateHeader} is still later than ${amzDate(now + MAX_CLOCK_SKEW_MS)} (${amzDate(now)} + 15 min.)`);
      }

      const bodyHash = sha256Hex(request.body);
      const declaredHash = headers[CONTENT_SHA256];
      if (declaredHash !== undefined && declaredHash !== bodyHash) {
        throw invalid(
          declaredHash === 'UNSIGNED-PAYLOAD'
            ? 'Unsigned payloads are not accepted: sign the body (x-amz-content-sha256 must be its SHA-256).'
            : "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
      }
      const expected = await expectedSignature(key, request, credential.signedHeaders, signingDate, credential.region, bodyHash);
      if (!sameSignature(expected, credential.signature)) {
        throw invalid(
          'The request signature we calculated does not match the signature you provided. ' +
            'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        );
      }
      return frozenCaller(
        { account: key.account, region: credential.region },
        { IamIdentity: { Arn: `arn:aws:iam::${key.account}:user/${key.identity}`, PrincipalId: key.accessKeyId } },
      );
    },
  };
}
