/**
 * Writing a local file so that it appears whole or not at all: used by both object-store backends
 * (objects of the built-in store, downloads from S3) and for `file://` URIs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The suffix of a file still being written; listings leave such files out. */
export const PARTIAL = '.partial';

/** Writes `path` through a temporary sibling, so it appears whole or not at all. */
export async function writeAtomically(path: string, write: (temp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}${PARTIAL}`;
  try {
    await write(temp);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
