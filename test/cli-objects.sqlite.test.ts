/**
 * `stemma objects put|get|ls`: users put the data their jobs read and get what the jobs wrote, by
 * s3:// URI, through a server (--endpoint) or embedded on a data directory (--data).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from './cli-process.js';
import { runStemma, spawnServe, waitForExit } from './cli-process.js';
import { tempDir } from './harness.js';

const dirs: string[] = [];
let serve: ServeProcess;
let work: string;

beforeAll(async () => {
  const data = tempDir('stemma-cli-objects-');
  work = tempDir('stemma-cli-objects-work-');
  dirs.push(data, work);
  serve = await spawnServe(['--data', data]);
  mkdirSync(join(work, 'code', 'lib'), { recursive: true });
  writeFileSync(join(work, 'code', 'train.py'), 'print("training")\n');
  writeFileSync(join(work, 'code', 'lib', 'util.py'), 'X = 1\n');
  writeFileSync(join(work, 'rows.csv'), 'x\n1\n2\n');
});

afterAll(async () => {
  serve.child.kill('SIGTERM');
  await waitForExit(serve.child);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const server = (...args: string[]): ReturnType<typeof runStemma> => runStemma([...args, '--endpoint', serve.url]);

describe('stemma objects', () => {
  it('puts a file at a key, or under a prefix keeping its name, and gets it back byte for byte', async () => {
    const put = await server('objects', 'put', join(work, 'rows.csv'), 's3://cli-data/train/rows.csv');
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toBe('s3://cli-data/train/rows.csv\t6 bytes\n');
    const kept = await server('objects', 'put', join(work, 'rows.csv'), 's3://cli-data/copy/');
    expect(kept.stdout).toBe('s3://cli-data/copy/rows.csv\t6 bytes\n');

    const out = join(work, 'back', 'rows.csv');
    const get = await server('objects', 'get', 's3://cli-data/train/rows.csv', out);
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('x\n1\n2\n');
    const toStdout = await server('objects', 'get', 's3://cli-data/copy/rows.csv');
    expect(toStdout.stdout).toBe('x\n1\n2\n');
  });

  it('uploads a directory under a prefix, as a source directory for script mode, and lists it', async () => {
    const put = await server('objects', 'put', join(work, 'code'), 's3://cli-data/code');
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout.split('\n').filter(Boolean)).toEqual(['s3://cli-data/code/lib/util.py\t6 bytes', 's3://cli-data/code/train.py\t18 bytes']);
    const ls = await server('objects', 'ls', 's3://cli-data/code');
    expect(ls.stdout.split('\n').filter(Boolean).sort()).toEqual(['s3://cli-data/code/lib/util.py', 's3://cli-data/code/train.py']);
  });

  it('works embedded on a data directory the same way', async () => {
    const data = tempDir('stemma-cli-objects-embedded-');
    dirs.push(data);
    expect((await runStemma(['objects', 'put', join(work, 'rows.csv'), 's3://local-data/rows.csv', '--data', data])).code).toBe(0);
    const ls = await runStemma(['objects', 'ls', 's3://local-data/', '--data', data]);
    expect(ls.stdout).toBe('s3://local-data/rows.csv\n');
  });

  it('fails with one clear line and a non-zero exit code', async () => {
    const missing = await server('objects', 'get', 's3://cli-data/no/such.csv');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/Cannot get s3:\/\/cli-data\/no\/such\.csv: NoSuchKey/);
    const notS3 = await server('objects', 'ls', 'gs://elsewhere/x');
    expect(notS3.code).not.toBe(0);
    expect(notS3.stderr).toMatch(/gs:\/\/elsewhere\/x is not an s3:\/\/ URI/);
    const badBucket = await server('objects', 'put', join(work, 'absent.csv'), 's3://Bad_Bucket/x');
    expect(badBucket.code).not.toBe(0);
    expect(badBucket.stderr).toMatch(/Bad_Bucket in s3:\/\/Bad_Bucket\/x is not a valid bucket name/);
    const noFile = await server('objects', 'put', join(work, 'absent.csv'), 's3://cli-data/x');
    expect(noFile.stderr).toMatch(/absent\.csv does not exist/);
  });
});
