/**
 * Where jobs read their inputs and write their outputs: `s3://bucket/key` URIs resolve to Stemma's
 * built-in object store (files inside the data directory), `file://` URIs to the local filesystem.
 *
 * The built-in store keeps each bucket as one directory and each object as one file whose name is
 * the percent-encoded key. Keys are flat (as in S3): `a` and `a/b` can both exist, and no key can
 * name a path outside its bucket. Writes go to a temporary file first and are renamed into place,
 * so a reader never sees half an object.
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

/** A URI the object store cannot serve, or an object that is not there. */
export class ObjectStoreError extends Error {
  readonly kind: 'invalid' | 'not-found';

  constructor(kind: 'invalid' | 'not-found', message: string) {
    super(message);
    this.kind = kind;
    this.name = 'ObjectStoreError';
  }
}

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

/** Percent-encodes a key into one file name; a leading dot is encoded too, so `.` and `..` stay plain files. */
function fileNameOf(key: string): string {
  return encodeURIComponent(key).replace(/^\./, '%2E');
}

function keyOf(fileName: string): string {
  return decodeURIComponent(fileName);
}

async function exists(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

async function atomicWrite(path: string, body: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.partial`;
  await writeFile(temp, body);
  await rename(temp, path);
}

/** Objects by URI: the built-in store for `s3://`, the filesystem for `file://`. */
export class ObjectStore {
  private readonly root: string;

  /** @param root the directory holding the built-in store's buckets (inside the data directory). */
  constructor(root: string) {
    this.root = root;
  }

  private objectPath(bucket: string, key: string): string {
    if (key === '' || key.endsWith('/')) {
      throw new ObjectStoreError('invalid', `s3://${bucket}/${key} names a prefix, not an object: give the object's full key.`);
    }
    if (Buffer.byteLength(key) > 1024) throw new ObjectStoreError('invalid', 'An object key may be at most 1024 bytes long.');
    return join(this.root, bucket, fileNameOf(key));
  }

  async put(uri: string, body: Buffer): Promise<void> {
    const loc = parseObjectUri(uri);
    if (loc.scheme === 'file') await atomicWrite(loc.path, body);
    else await atomicWrite(this.objectPath(loc.bucket, loc.key), body);
  }

  async get(uri: string): Promise<Buffer> {
    const loc = parseObjectUri(uri);
    const path = loc.scheme === 'file' ? loc.path : this.objectPath(loc.bucket, loc.key);
    if ((await exists(path)) !== 'file') throw new ObjectStoreError('not-found', `No object at ${uri}.`);
    return readFile(path);
  }

  async delete(uri: string): Promise<void> {
    const loc = parseObjectUri(uri);
    await rm(loc.scheme === 'file' ? loc.path : this.objectPath(loc.bucket, loc.key), { force: true });
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
    const dir = join(this.root, loc.bucket);
    if ((await exists(dir)) !== 'dir') return [];
    const keys = (await readdir(dir))
      .filter((f) => !f.endsWith('.partial'))
      .map(keyOf)
      .filter((k) => k.startsWith(loc.key))
      .sort();
    return keys.map((k) => `s3://${loc.bucket}/${k}`);
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
    const uris = await this.list(prefixUri);
    if (uris.length === 0) throw new ObjectStoreError('not-found', `No object exists under ${prefixUri}.`);
    for (const uri of uris) {
      const key = uri.slice(`s3://${loc.bucket}/`.length);
      let rel = key === loc.key ? basename(key) : key.slice(loc.key.length).replace(/^\/+/, '');
      if (rel === '' || rel.split('/').some((s) => s === '..' || s === '.')) rel = fileNameOf(key);
      const target = join(dir, ...rel.split('/').filter((s) => s !== ''));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await this.get(uri));
    }
    return uris.length;
  }

  /** Copies every file under `dir` to `prefixUri` + its relative path. Returns how many. */
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
        await this.put(`${base}${rel}`, await readFile(f));
      }
    }
    return files.length;
  }
}
