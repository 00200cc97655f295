/**
 * The objects of `s3://` URIs on a real S3-compatible endpoint (MinIO, Ceph, s3rver, AWS itself),
 * through `@aws-sdk/client-s3`. Path-style addressing (`<endpoint>/<bucket>/<key>`), since most
 * self-hosted servers have no wildcard DNS; checksums only where the operation requires them, since
 * third-party servers often do not implement the SDK's newer flexible checksums. Credentials come
 * from the standard AWS provider chain (AWS_ACCESS_KEY_ID, profiles, …).
 *
 * Files are streamed both ways. Buckets are never created: a missing bucket is the user's
 * configuration to fix, and is reported as such.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BucketStore } from './bucket-store.js';
import { ObjectStoreError, byKeyOrder, checkObjectKey } from './bucket-store.js';
import { writeAtomically } from './atomic-file.js';

export interface S3Config {
  /** The endpoint URL, e.g. `http://127.0.0.1:9000`. */
  readonly endpoint: string;
  /** Default: AWS_REGION, else us-east-1. */
  readonly region?: string;
  /** Default: the standard AWS provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Attempts per request, including the first (default 3, the SDK's). */
  readonly maxAttempts?: number;
}

const NOT_FOUND = new Set(['NoSuchBucket', 'NoSuchKey', 'NotFound']);
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'ExpiredToken', 'CredentialsProviderError']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError']);

export class S3BucketStore implements BucketStore {
  readonly description: string;
  private readonly client: S3Client;

  constructor(config: S3Config) {
    this.description = `S3 endpoint ${config.endpoint}`;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(config.credentials ? { credentials: { ...config.credentials } } : {}),
      ...(config.maxAttempts !== undefined ? { maxAttempts: config.maxAttempts } : {}),
      // An endpoint that swallows connections fails the request instead of hanging a job forever.
      requestHandler: { connectionTimeout: 10_000 },
      // Failures reach the caller as ObjectStoreErrors; the SDK's own console warnings would only repeat them.
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }

  /** Turns an SDK or network failure into an ObjectStoreError naming what was asked for and where. */
  private failure(e: unknown, what: string, bucket: string): ObjectStoreError {
    if (e instanceof ObjectStoreError) return e;
    const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const name = err.name ?? 'Error';
    const status = err.$metadata?.httpStatusCode;
    const where = this.description;
    if (name === 'NoSuchBucket' || (name === 'NotFound' && what === '')) {
      return new ObjectStoreError('not-found', `The bucket ${bucket} does not exist at ${where}.`, 'NoSuchBucket');
    }
    if (NOT_FOUND.has(name) || status === 404) return new ObjectStoreError('not-found', `No object at ${what} (${where}).`, 'NoSuchKey');
    if (DENIED.has(name) || status === 403) {
      return new ObjectStoreError('denied', `${where} refused access to ${what || `bucket ${bucket}`}: ${name}: ${err.message ?? ''}`.trim(), name);
    }
    const code = err.code ?? name;
    if (status === undefined || NETWORK.has(code) || status >= 500) {
      return new ObjectStoreError('unavailable', `Cannot reach ${where} for ${what || `bucket ${bucket}`}: ${err.message ?? code}`, code);
    }
    return new ObjectStoreError('invalid', `${where} rejected the request for ${what || `bucket ${bucket}`}: ${name}: ${err.message ?? ''}`.trim(), name);
  }

  private async call<T>(bucket: string, key: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      // A local file that cannot be written (getFile) is this machine's failure, not the endpoint's.
      if (isLocalFileError(e)) throw e;
      throw this.failure(e, key === undefined ? '' : `s3://${bucket}/${key}`, bucket);
    }
  }

  async put(bucket: string, key: string, body: Buffer): Promise<void> {
    checkObjectKey(bucket, key);
    await this.call(bucket, key, () => this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })));
  }

  async putFile(bucket: string, key: string, path: string): Promise<void> {
    checkObjectKey(bucket, key);
    const { size } = await stat(path);
    // A known length lets the SDK send the file as one plain streamed PUT (no chunked signing).
    await this.call(bucket, key, () => this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: size })));
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    checkObjectKey(bucket, key);
    return this.call(bucket, key, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
    });
  }

  async getFile(bucket: string, key: string, path: string): Promise<void> {
    checkObjectKey(bucket, key);
    await this.call(bucket, key, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = out.Body;
      await writeAtomically(path, async (temp) => {
        if (body instanceof Readable) await pipeline(body, createWriteStream(temp));
        else await pipeline(Readable.from(body ? [Buffer.from(await body.transformToByteArray())] : []), createWriteStream(temp));
      });
    });
  }

  async delete(bucket: string, key: string): Promise<void> {
    checkObjectKey(bucket, key);
    await this.call(bucket, key, () => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    return this.call(bucket, undefined, async () => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix === '' ? undefined : prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort(byKeyOrder);
    });
  }

  close(): void {
    this.client.destroy();
  }
}

/** A filesystem error names the path it failed on; a socket error names an address instead. */
function isLocalFileError(e: unknown): boolean {
  const err = e as { syscall?: unknown; path?: unknown };
  return typeof err.syscall === 'string' && typeof err.path === 'string';
}
