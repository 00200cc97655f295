/**
 * Where jobs read their inputs and write their outputs, by URI: `s3://bucket/key` goes to the
 * configured BucketStore (Stemma's built-in store by default, or a real S3-compatible endpoint),
 * `file://` to the local filesystem. Filling an input channel from a prefix and uploading an
 * output directory are written once here, on top of either backend, and stream file by file.
 */
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BucketStore } from './bucket-store.js';
import { ObjectStoreError } from './bucket-store.js';
import { writeAtomically } from './atomic-file.js';
import { fileNameOf } from './fs-bucket-store.js';

export { ObjectStoreError } from './bucket-store.js';
export type { BucketStore, ObjectErrorKind } from './bucket-store.js';

export type ObjectLocation =
  | { readonly scheme: 's3'; readonly bucket: string; readonly key: string }
  | { readonly scheme: 'file'; readonly path: string };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseObjectUri(uri: string): ObjectLocation {
  if (uri.startsWith('file://')) {
    try {
      return { scheme: 'file', path: fileURLToPath(uri) };
    } catch {
      throw new ObjectStoreError('invalid', `${uri} is not a valid file:// URI (use file:///absolute/path).`);
    }
  }
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!m) throw new ObjectStoreError('invalid', `${uri} is not an s3:// or file:// URI.`);
  const bucket = m[1] as string;
  if (!BUCKET.test(bucket)) {
    throw new ObjectStoreError('invalid', `${bucket} in ${uri} is not a valid bucket name (3-63 lower-case letters, digits, dots and hyphens).`);
  }
  return { scheme: 's3', bucket, key: m[2] ?? '' };
}

async function exists(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** Every file under a directory (absolute paths), sorted, so uploads happen in a stable order. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** Objects by URI: the bucket store for `s3://`, the filesystem for `file://`. */
export class ObjectStore {
  readonly buckets: BucketStore;

  constructor(buckets: BucketStore) {
    this.buckets = buckets;
  }

  async put(uri: string, body: Buffer): Promise<void> {
    const loc = parseObjectUri(uri);
    if (loc.scheme === 'file') await writeAtomically(loc.path, (temp) => writeFile(temp, body));
    else await this.buckets.put(loc.bucket, loc.key, body);
  }

  /** Stores a local file at `uri`, streaming it. */
  async putFile(uri: string, path: string): Promise<void> {
    const loc = parseObjectUri(uri);
    if (loc.scheme === 'file') await writeAtomically(loc.path, (temp) => copyFile(path, temp));
    else await this.buckets.putFile(loc.bucket, loc.key, path);
  }

  async get(uri: string): Promise<Buffer> {
    const loc = parseObjectUri(uri);
    if (loc.scheme === 's3') return this.buckets.get(loc.bucket, loc.key);
    if ((await exists(loc.path)) !== 'file') throw new ObjectStoreError('not-found', `No object at ${uri}.`, 'NoSuchKey');
    return readFile(loc.path);
  }

  async delete(uri: string): Promise<void> {
    const loc = parseObjectUri(uri);
    if (loc.scheme === 'file') await rm(loc.path, { force: true });
    else await this.buckets.delete(loc.bucket, loc.key);
  }

  /** The URIs of every object under a prefix (an exact key is its own prefix), in key order. */
  async list(prefixUri: string): Promise<string[]> {
    const loc = parseObjectUri(prefixUri);
    if (loc.scheme === 'file') {
      const kind = await exists(loc.path);
      if (kind === 'file') return [prefixUri];
      if (kind === undefined) return [];
      return (await filesUnder(loc.path)).map((p) => `file://${p.split(sep).map(encodeURIComponent).join('/')}`);
    }
    return (await this.buckets.list(loc.bucket, loc.key)).map((k) => `s3://${loc.bucket}/${k}`);
  }

  /**
   * Copies every object under `prefixUri` into `dir`, as SageMaker fills an input channel: a key's
   * path below the prefix becomes its path below `dir`; an object named exactly keeps its base name.
   * Returns how many files were written; none is an error (the channel would be empty).
   */
  async download(prefixUri: string, dir: string): Promise<number> {
    const loc = parseObjectUri(prefixUri);
    await mkdir(dir, { recursive: true });
    if (loc.scheme === 'file') {
      const kind = await exists(loc.path);
      if (kind === undefined) throw new ObjectStoreError('not-found', `Nothing exists at ${prefixUri}.`);
      const files = kind === 'file' ? [loc.path] : await filesUnder(loc.path);
      for (const f of files) {
        const target = kind === 'file' ? join(dir, basename(f)) : join(dir, relative(loc.path, f));
        await mkdir(dirname(target), { recursive: true });
        await copyFile(f, target);
      }
      return files.length;
    }
    const keys = await this.buckets.list(loc.bucket, loc.key);
    if (keys.length === 0) throw new ObjectStoreError('not-found', `No object exists under ${prefixUri} (${this.buckets.description}).`);
    for (const key of keys) {
      let rel = key === loc.key ? basename(key) : key.slice(loc.key.length).replace(/^\/+/, '');
      if (rel === '' || rel.split('/').some((s) => s === '..' || s === '.')) rel = fileNameOf(key);
      const target = join(dir, ...rel.split('/').filter((s) => s !== ''));
      await this.buckets.getFile(loc.bucket, key, target);
    }
    return keys.length;
  }

  /** Copies every file under `dir` to `prefixUri` + its relative path, streaming each. Returns how many. */
  async upload(dir: string, prefixUri: string): Promise<number> {
    if ((await exists(dir)) !== 'dir') return 0;
    const base = prefixUri.endsWith('/') ? prefixUri : `${prefixUri}/`;
    const files = await filesUnder(dir);
    for (const f of files) {
      const rel = relative(dir, f).split(sep).join('/');
      const loc = parseObjectUri(base);
      if (loc.scheme === 'file') {
        const target = join(loc.path, ...rel.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await copyFile(f, target);
      } else {
        await this.buckets.putFile(loc.bucket, `${loc.key}${rel}`, f);
      }
    }
    return files.length;
  }

  close(): void {
    this.buckets.close();
  }
}
