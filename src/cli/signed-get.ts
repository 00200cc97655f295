/**
 * A GET of one of Stemma's `/api/v1` routes, SigV4-signed with the session's credentials and
 * region, as the SageMaker client signs its own requests: the server takes the caller's account and
 * region from the signature, so an unsigned request would read another scope.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LineageSession } from '../sdk/session.js';

/** What the signer hashes (the shape of @smithy/types' SourceData). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (or its HMAC when given a secret) over Node's crypto, in the shape the signer expects. */
class NodeSha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

export interface GetResult {
  readonly status: number;
  readonly body: Buffer;
}

export async function signedGet(session: LineageSession, baseUrl: string, path: string): Promise<GetResult> {
  const url = new URL(path, baseUrl);
  const signer = new SignatureV4({
    credentials: session.client.config.credentials,
    region: await session.client.config.region(),
    service: 'sagemaker',
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host },
  });
  const res = await fetch(url, { headers: signed.headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}
