/**
 * `stemma objects put|get|ls`: the objects behind `s3://bucket/key` URIs, through the server's
 * `/api/v1/objects` route, so they live wherever the server keeps them (its built-in store or the
 * S3-compatible endpoint it was given). This is how job inputs get in and job outputs get out.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { filesUnder, ObjectStoreError, parseObjectUri } from '../../jobs/object-store.js';
import { restError } from '../rest-error.js';
import { UserError } from '../resolve.js';
import type { Target } from '../target.js';

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** The bucket and key of an `s3://` URI, checked as the server will check them, before any upload. */
export function parseS3Uri(uri: string): S3Location {
  const notS3 = new UserError(`${uri} is not an s3:// URI: expected s3://bucket/key.`);
  // Checked first: the shared parser would also take file:// URIs, which the server does not serve.
  if (!uri.startsWith('s3://')) throw notS3;
  let location;
  try {
    location = parseObjectUri(uri);
  } catch (e) {
    if (e instanceof ObjectStoreError) throw new UserError(e.message);
    throw e;
  }
  if (location.scheme !== 's3') throw notS3;
  return { bucket: location.bucket, key: location.key };
}

function routeOf({ bucket, key }: S3Location): string {
  return `/api/v1/objects/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

const uriOf = ({ bucket, key }: S3Location): string => `s3://${bucket}/${key}`;

async function putOne(target: Target, body: Buffer, to: S3Location): Promise<void> {
  const res = await target.rest(routeOf(to), { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body });
  if (!res.ok) throw restError(res.status, await res.text(), `Cannot put ${uriOf(to)}`);
}

/**
 * Uploads a file to the URI, or every file of a directory under the URI as a prefix (what a
 * training channel or a `sagemaker_submit_directory` reads). Returns one line per object.
 */
export async function putObjects(target: Target, path: string, uri: string): Promise<string> {
  const to = parseS3Uri(uri);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UserError(`${path} does not exist.`);
  }
  if (!stat.isDirectory()) {
    const location = to.key === '' || to.key.endsWith('/') ? { ...to, key: `${to.key}${basename(path)}` } : to;
    await putOne(target, readFileSync(path), location);
    return `${uriOf(location)}\t${stat.size} bytes\n`;
  }
  const prefix = to.key === '' || to.key.endsWith('/') ? to.key : `${to.key}/`;
  const lines: string[] = [];
  for (const file of (await filesUnder(path)).map((f) => relative(path, f).split(sep).join('/'))) {
    const body = readFileSync(join(path, file));
    const location = { bucket: to.bucket, key: `${prefix}${file}` };
    await putOne(target, body, location);
    lines.push(`${uriOf(location)}\t${body.length} bytes\n`);
  }
  return lines.join('');
}

/** The object's bytes: written to `file` when given, else returned for stdout. */
export async function getObject(target: Target, uri: string, file?: string): Promise<Buffer | string> {
  const from = parseS3Uri(uri);
  if (from.key === '' || from.key.endsWith('/')) throw new UserError(`${uri} is a prefix, not an object: use stemma objects ls.`);
  const res = await target.rest(routeOf(from));
  if (!res.ok) throw restError(res.status, await res.text(), `Cannot get ${uri}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (file === undefined) return body;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
  return `${file}\t${body.length} bytes\n`;
}

/** The URIs of the objects under a bucket or prefix, one per line. */
export async function listObjects(target: Target, uri: string): Promise<string> {
  const at = parseS3Uri(uri);
  const prefix = at.key === '' || at.key.endsWith('/') ? at : { ...at, key: `${at.key}/` };
  const res = await target.rest(routeOf(prefix));
  if (!res.ok) throw restError(res.status, await res.text(), `Cannot list ${uriOf(prefix)}`);
  const answer = (await res.json()) as { Objects: { Uri: string }[] };
  return answer.Objects.map((o) => `${o.Uri}\n`).join('');
}
