/**
 * Stemma's built-in object store: each bucket is one directory under the root (inside the data
 * directory) and each object one file whose name is the percent-encoded key, so no key can name a
 * path outside its bucket. Buckets need no creating: a bucket nothing was written to is empty.
 * Writes go to a temporary file first and are renamed into place, so a reader never sees half an
 * object.
 */
import { copyFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BucketStore } from './bucket-store.js';
import { ObjectStoreError, byKeyOrder, checkObjectKey } from './bucket-store.js';
import { PARTIAL, writeAtomically } from './atomic-file.js';

/** Percent-encodes a key into one file name; a leading dot is encoded too, so `.` and `..` stay plain files. */
export function fileNameOf(key: string): string {
  return encodeURIComponent(key).replace(/^\./, '%2E');
}

function keyOf(fileName: string): string {
  return decodeURIComponent(fileName);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export class FsBucketStore implements BucketStore {
  readonly description = 'the built-in object store';
  private readonly root: string;

  /** @param root the directory holding the buckets (inside the data directory). */
  constructor(root: string) {
    this.root = root;
  }

  private path(bucket: string, key: string): string {
    checkObjectKey(bucket, key);
    return join(this.root, bucket, fileNameOf(key));
  }

  async put(bucket: string, key: string, body: Buffer): Promise<void> {
    await writeAtomically(this.path(bucket, key), (temp) => writeFile(temp, body));
  }

  async putFile(bucket: string, key: string, path: string): Promise<void> {
    await writeAtomically(this.path(bucket, key), (temp) => copyFile(path, temp));
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    const path = this.path(bucket, key);
    if (!(await isFile(path))) throw new ObjectStoreError('not-found', `No object at s3://${bucket}/${key}.`, 'NoSuchKey');
    return readFile(path);
  }

  async getFile(bucket: string, key: string, target: string): Promise<void> {
    const path = this.path(bucket, key);
    if (!(await isFile(path))) throw new ObjectStoreError('not-found', `No object at s3://${bucket}/${key}.`, 'NoSuchKey');
    await writeAtomically(target, (temp) => copyFile(path, temp));
  }

  async delete(bucket: string, key: string): Promise<void> {
    await rm(this.path(bucket, key), { force: true });
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(join(this.root, bucket));
    } catch (e) {
      // No bucket directory yet is an empty listing; anything else (permissions) is a real failure.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw e;
    }
    return names
      .filter((f) => !f.endsWith(PARTIAL))
      .map(keyOf)
      .filter((k) => k.startsWith(prefix))
      .sort(byKeyOrder);
  }

  close(): void {
    // Nothing is held open between calls.
  }
}
