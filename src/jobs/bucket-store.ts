/**
 * Where the objects of `s3://` URIs live. Two backends implement it: Stemma's built-in store (files
 * in the data directory, the default) and a real S3-compatible endpoint. Everything above this
 * (URI parsing, `file://`, filling an input channel from a prefix) is shared in object-store.ts,
 * so the two backends only differ in how one object is stored.
 *
 * Keys are flat, as in S3: `a` and `a/b` can both exist. A backend's failures are ObjectStoreErrors
 * whose message names the bucket or object and, for S3, the endpoint.
 */

/** Why an object operation failed, in the terms a caller acts on. */
export type ObjectErrorKind =
  /** The URI, bucket name or key is unusable. */
  | 'invalid'
  /** The bucket or the object does not exist. */
  | 'not-found'
  /** The S3 endpoint refused the credentials or the access. */
  | 'denied'
  /** The S3 endpoint could not be reached or failed on its side. */
  | 'unavailable';

/** A URI the object store cannot serve, an object that is not there, or a backend that failed. */
export class ObjectStoreError extends Error {
  readonly kind: ObjectErrorKind;
  /** The S3 error code when there is one (`NoSuchBucket`, `NoSuchKey`, `AccessDenied`, …). */
  readonly code: string | undefined;

  constructor(kind: ObjectErrorKind, message: string, code?: string) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.name = 'ObjectStoreError';
  }
}

export interface BucketStore {
  /** Where the objects are, for messages: "the built-in object store", "S3 endpoint http://…". */
  readonly description: string;
  put(bucket: string, key: string, body: Buffer): Promise<void>;
  /** Stores a local file as the object, streaming it. */
  putFile(bucket: string, key: string, path: string): Promise<void>;
  /** The object's bytes; `not-found` when it does not exist. */
  get(bucket: string, key: string): Promise<Buffer>;
  /** Writes the object to a local file, streaming it; the file appears whole or not at all. */
  getFile(bucket: string, key: string, path: string): Promise<void>;
  /** Succeeds whether or not the object existed, as S3 does. */
  delete(bucket: string, key: string): Promise<void>;
  /** Every key that starts with `prefix` (an exact key is its own prefix), in key order. */
  list(bucket: string, prefix: string): Promise<string[]>;
  /** Releases connections; the store is not used afterwards. */
  close(): void;
}

/** The key names an object rather than a prefix, and fits S3's limit. */
export function checkObjectKey(bucket: string, key: string): void {
  if (key === '' || key.endsWith('/')) {
    throw new ObjectStoreError('invalid', `s3://${bucket}/${key} names a prefix, not an object: give the object's full key.`);
  }
  if (Buffer.byteLength(key) > 1024) throw new ObjectStoreError('invalid', 'An object key may be at most 1024 bytes long.');
}

/** S3's key order: by UTF-8 bytes. Applied by both backends, since some S3-compatible servers list in another order. */
export function byKeyOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
