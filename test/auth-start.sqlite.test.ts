/**
 * How `stemma serve` chooses its authentication mode, and the start errors that keep a server from
 * running unprotected or with a broken keys file. Open mode, the default on loopback, is unchanged.
 */
import { writeFileSync } from 'node:fs';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateArtifactCommand, DescribeArtifactCommand, ListArtifactsCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/server/log.js';
import type { ServeConfig } from '../src/server/stemma-server.js';
import { startStemma } from '../src/server/stemma-server.js';
import { clientOf, runStemma } from './cli-process.js';
import { awsError, startTestServer, tempDir } from './harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function fresh(): string {
  const d = tempDir('stemma-auth-');
  dirs.push(d);
  return d;
}

const alice = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret', account: '111111111111', identity: 'alice' };

function keysFile(content: unknown): string {
  const path = join(fresh(), 'keys.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function config(overrides: Partial<ServeConfig>): ServeConfig {
  return { dataDir: fresh(), host: '127.0.0.1', port: 0, quotas: null, insecure: false, log: silentLogger, ...overrides };
}

describe('start errors', () => {
  it('refuses a keys file with a bad entry, naming the file, the entry and the problem', async () => {
    const bad = keysFile({ keys: [alice, { ...alice, accessKeyId: 'AKIABOB0000000000002', account: '12345' }] });
    await expect(startStemma(config({ keysFile: bad }))).rejects.toThrow(
      `Keys file ${bad}: key #2 (AKIABOB0000000000002): "account" must be 12 digits, got "12345".`,
    );
    const duplicate = keysFile([alice, alice]);
    await expect(startStemma(config({ keysFile: duplicate }))).rejects.toThrow('key #2 (AKIAALICE00000000001): duplicate access key id, already key #1.');
    const noSecret = keysFile([{ ...alice, secretAccessKey: undefined }]);
    await expect(startStemma(config({ keysFile: noSecret }))).rejects.toThrow('key #1 (AKIAALICE00000000001): missing "secretAccessKey".');
    await expect(startStemma(config({ keysFile: join(fresh(), 'absent.json') }))).rejects.toThrow(/^Cannot read keys file .*absent\.json: ENOENT\.$/);
  });

  it('refuses strict mode without a keys file', async () => {
    await expect(startStemma(config({ auth: 'strict' }))).rejects.toThrow('Strict authentication needs a keys file: pass --keys <file> (or set STEMMA_KEYS).');
  });

  it('refuses open mode on a non-loopback address unless --insecure, and allows strict mode there', async () => {
    await expect(startStemma(config({ host: '0.0.0.0' }))).rejects.toThrow(/^Refusing to listen on 0\.0\.0\.0 without authentication/);
    await expect(startStemma(config({ host: '0.0.0.0', keysFile: keysFile([alice]), auth: 'open' }))).rejects.toThrow(/^Refusing to listen/);
    const strict = await startStemma(config({ host: '0.0.0.0', keysFile: keysFile([alice]) }));
    try {
      expect(strict.authMode).toBe('strict');
    } finally {
      await strict.close();
    }
  });

  it('prints the problem as one line from the command', async () => {
    const bad = keysFile('{"keys": [{"accessKeyId": "AKIAALICE00000000001"}]}');
    const r = await runStemma(['serve', '--port', '0', '--data', fresh(), '--keys', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(`stemma: Keys file ${bad}: key #1 (AKIAALICE00000000001): missing "secretAccessKey".\n`);
    const open = await runStemma(['serve', '--port', '0', '--data', fresh(), '--host', '0.0.0.0']);
    expect(open.stderr).toMatch(/^stemma: Refusing to listen on 0\.0\.0\.0 without authentication.*--keys/);
  });
});

describe('open mode', () => {
  it('stays the default on loopback: any key, account 000000000000, the key as the identity', async () => {
    const server = await startTestServer();
    try {
      expect(server.running.authMode).toBe('open');
      const sm = server.client({ accessKeyId: 'anything', secretAccessKey: 'whatever' });
      const { ArtifactArn } = await sm.send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://open/a' } }));
      expect(ArtifactArn).toMatch(/:000000000000:artifact\//);
      const d = await sm.send(new DescribeArtifactCommand({ ArtifactArn }));
      expect(d.CreatedBy).toEqual({ IamIdentity: { Arn: 'arn:aws:iam::000000000000:user/anything', PrincipalId: 'anything' } });
      expect((await fetch(`${server.url}/api/v1/entities?q=s3`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('can be forced with a keys file present (--auth open)', async () => {
    const running = await startStemma(config({ keysFile: keysFile([alice]), auth: 'open' }));
    const sm = clientOf(running.url);
    try {
      expect(running.authMode).toBe('open');
      expect((await sm.send(new ListArtifactsCommand({}))).ArtifactSummaries).toEqual([]);
    } finally {
      sm.destroy();
      await running.close();
    }
  });

  it('is refused by a strict server for the same unsigned-key client', async () => {
    const server = await startTestServer({ keys: [alice] });
    try {
      const e = await awsError(server.client({ accessKeyId: 'anything', secretAccessKey: 'whatever' }).send(new ListArtifactsCommand({})));
      expect(e).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
    } finally {
      await server.close();
    }
  });
});

describe('the stemma command against a strict server', () => {
  it('signs with the AWS default credential chain, and is refused without credentials', async () => {
    const server = await startTestServer({ keys: [alice] });
    const withoutAws = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const home = fresh();
    try {
      await server.client().send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://cli/strict.csv' } }));
      const env = { ...withoutAws, HOME: home, AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
      const listed = await runStemma(['ls', 'artifacts', '--endpoint', server.url], env);
      expect(listed.stderr).toBe('');
      expect(listed.stdout).toContain('s3://cli/strict.csv');
      const anonymous = await runStemma(['ls', 'artifacts', '--endpoint', server.url], { ...withoutAws, HOME: home });
      expect(anonymous.code).toBe(1);
      expect(anonymous.stderr).toBe('stemma: UnrecognizedClientException: The security token included in the request is invalid.\n');
    } finally {
      await server.close();
    }
  });
});
