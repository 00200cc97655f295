import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeysFileError, parseKeys, readKeysFile } from './keys-file.js';

const alice = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret', account: '111111111111', identity: 'alice' };
const bob = { accessKeyId: 'AKIABOB0000000000002', secretAccessKey: 'bob-secret', account: '222222222222', identity: 'bob' };

function problem(text: string): string {
  try {
    parseKeys(text);
  } catch (e) {
    expect(e).toBeInstanceOf(KeysFileError);
    return (e as Error).message;
  }
  throw new Error('expected the keys file to be refused');
}

describe('parseKeys', () => {
  it('reads {"keys": [...]} and a top-level array alike', () => {
    expect(parseKeys(JSON.stringify({ keys: [alice, bob] }))).toEqual([alice, bob]);
    expect(parseKeys(JSON.stringify([alice]))).toEqual([alice]);
  });

  it('refuses text that is not JSON, or not a list of keys', () => {
    expect(problem('{"keys": [')).toMatch(/^not valid JSON/);
    expect(problem('{"key": []}')).toBe('expected {"keys": [...]} or an array of keys.');
    expect(problem('"AKIA"')).toBe('expected {"keys": [...]} or an array of keys.');
  });

  it('refuses an empty list, which would lock everyone out', () => {
    expect(problem('{"keys": []}')).toContain('no keys');
  });

  it('names the entry and the problem on one line', () => {
    expect(problem(JSON.stringify([alice, { ...bob, account: '2222' }]))).toBe(
      'key #2 (AKIABOB0000000000002): "account" must be 12 digits, got "2222".',
    );
    expect(problem(JSON.stringify([{ ...alice, secretAccessKey: undefined }]))).toBe('key #1 (AKIAALICE00000000001): missing "secretAccessKey".');
    expect(problem(JSON.stringify([{ ...alice, secretAccessKey: '' }]))).toBe('key #1 (AKIAALICE00000000001): missing "secretAccessKey".');
    expect(problem(JSON.stringify([{ secretAccessKey: 's' }]))).toBe('key #1: missing "accessKeyId".');
    expect(problem(JSON.stringify([{ ...alice, identity: 'alice smith' }]))).toContain('key #1 (AKIAALICE00000000001): "identity" must be');
    expect(problem(JSON.stringify([{ ...alice, account: 111111111111 }]))).toBe('key #1 (AKIAALICE00000000001): "account" must be a string.');
    expect(problem(JSON.stringify([{ ...alice, accessKeyId: 'short' }]))).toContain('"accessKeyId" must be 16 to 128');
    expect(problem(JSON.stringify([alice, 'bob']))).toBe('key #2: must be an object.');
    expect(problem(JSON.stringify([{ ...alice, secret: 'typo' }]))).toBe('key #1 (AKIAALICE00000000001): unknown field "secret".');
  });

  it('refuses a duplicate access key id, naming both entries', () => {
    expect(problem(JSON.stringify([alice, bob, { ...alice, identity: 'mallory' }]))).toBe(
      'key #3 (AKIAALICE00000000001): duplicate access key id, already key #1.',
    );
  });
});

describe('readKeysFile', () => {
  it('names the file in every error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemma-keys-'));
    try {
      const path = join(dir, 'keys.json');
      expect(() => readKeysFile(path)).toThrow(`Cannot read keys file ${path}: ENOENT.`);
      writeFileSync(path, JSON.stringify([{ ...alice, account: 'x' }]));
      expect(() => readKeysFile(path)).toThrow(`Keys file ${path}: key #1 (AKIAALICE00000000001): "account" must be 12 digits`);
      writeFileSync(path, JSON.stringify({ keys: [alice] }));
      expect(readKeysFile(path)).toEqual([alice]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
