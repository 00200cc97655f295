/**
 * The `stemma` client commands as a user runs them: embedded on a data directory and against a
 * server, with the same answers; readable tables, machine formats, one-line errors, cascading
 * delete with a dry run, and export → import → export round trips.
 */
import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './harness.js';
import { STEMMA_BIN, runStemma, spawnServe, waitForExit } from './cli-process.js';

const dirs: string[] = [];
let data: string;

function fresh(): string {
  const d = tempDir('stemma-cli-');
  dirs.push(d);
  return d;
}

async function ok(args: string[]): Promise<string> {
  const r = await runStemma(args);
  if (r.code !== 0) throw new Error(`stemma ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Runs a command with `input` on stdin. */
function withStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [STEMMA_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  data = fresh();
  const d = ['--data', data];
  await ok(['create', 'artifact', 's3://cli/train.csv', '--type', 'DataSet', '--name', 'train', '--property', 'rows=100', ...d]);
  await ok(['create', 'artifact', 's3://cli/model.tar.gz', '--type', 'Model', ...d]);
  await ok(['create', 'action', 'deploy-1', '--type', 'ModelDeployment', '--source-uri', 'deploy-1', ...d]);
  await ok(['create', 'context', 'prod', '--type', 'Endpoint', '--source-uri', 'arn:aws:sagemaker:us-east-1:000000000000:endpoint/prod', ...d]);
  await ok(['create', 'association', 's3://cli/train.csv', 's3://cli/model.tar.gz', '--type', 'DerivedFrom', ...d]);
  await ok(['create', 'association', 's3://cli/model.tar.gz', 'deploy-1', '--type', 'ContributedTo', ...d]);
  await ok(['create', 'association', 'deploy-1', 'prod', '--type', 'AssociatedWith', ...d]);
}, 60_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('stemma CLI', () => {
  it('answers the same embedded (--data) and through a server (--endpoint)', async () => {
    const args = ['query', 'prod', '--direction', 'Ascendants', '--format', 'json'];
    const embedded = await ok([...args, '--data', data]);
    const server = await spawnServe(['--data', data]);
    try {
      const remote = await ok([...args, '--endpoint', server.url]);
      expect(remote).toBe(embedded);
    } finally {
      server.child.kill('SIGTERM');
      await waitForExit(server.child);
    }
    const parsed = JSON.parse(embedded) as { Vertices: { Type: string }[]; Edges: unknown[] };
    expect(parsed.Vertices.map((v) => v.Type)).toEqual(['Endpoint', 'ModelDeployment', 'Model', 'DataSet']);
    expect(parsed.Edges).toHaveLength(3);
  });

  it('prints readable tables by default', async () => {
    const q = await ok(['query', 's3://cli/train.csv', '--direction', 'Descendants', '--data', data]);
    const lines = q.trim().split('\n');
    expect(lines[0]).toMatch(/^LINEAGE TYPE\s+TYPE\s+NAME \/ SOURCE\s+ARN$/);
    expect(lines[1]).toMatch(/^Artifact\s+DataSet\s+train \(s3:\/\/cli\/train\.csv\)/);
    expect(lines.at(-1)).toBe('4 entities, 3 associations');
    const ls = await ok(['ls', 'artifacts', '--data', data]);
    expect(ls).toMatch(/^SOURCE\s+TYPE\s+NAME\s+CREATED\s+ARN\n/);
    expect(ls).toContain('s3://cli/model.tar.gz');
    const assoc = await ok(['ls', 'associations', '--to', 'prod', '--data', data]);
    expect(assoc).toMatch(/deploy-1\s+ModelDeployment\s+AssociatedWith\s+prod\s+Endpoint/);
    const described = await ok(['describe', 's3://cli/train.csv', '--data', data]);
    expect(described).toMatch(/^ArtifactName:\s+train$/m);
    expect(described).toMatch(/^Properties:\s+\{"rows":"100"\}$/m);
  });

  it('writes DOT, Mermaid, GraphML and HTML on request', async () => {
    const base = ['query', 'prod', '--direction', 'Ascendants', '--data', data, '--format'];
    const dot = await ok([...base, 'dot']);
    expect(dot).toMatch(/^digraph lineage \{\n[\s\S]*\}\n$/);
    expect(dot).toContain('-> "arn:aws:sagemaker:us-east-1:000000000000:context/prod" [label="AssociatedWith"];');
    expect(await ok([...base, 'mermaid'])).toMatch(/^flowchart LR\n[\s\S]*-->\|AssociatedWith\| v0/);
    expect(await ok([...base, 'graphml'])).toContain('<data key="associationType">DerivedFrom</data>');
    const html = await ok([...base, 'html']);
    expect(html).toContain('★ prod');
    expect(html).toContain('train (s3://cli/train.csv)');
  });

  /** A loopback port nothing listens on. */
  const closedPort = (): Promise<number> =>
    new Promise((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });

  it('fails with one clear line and a non-zero exit code', async () => {
    const down = await runStemma(['ls', 'artifacts', '--endpoint', 'http://127.0.0.1:9']);
    expect(down.code).not.toBe(0);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/^stemma: Cannot reach the Stemma server/);
    // The same for the commands that use Stemma's own /api/v1 routes (fetch refuses port 9 itself).
    const downRest = await runStemma(['share', 'ls', '--endpoint', `http://127.0.0.1:${await closedPort()}`]);
    expect(downRest.code).not.toBe(0);
    expect(downRest.stderr).toMatch(/^stemma: Cannot reach the Stemma server/);
    const missing = await runStemma(['query', 'no-such-thing', '--data', data]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("stemma: No artifact, action or context is called or sourced from 'no-such-thing'. Give an ARN, a source URI or a name.\n");
    const dup = await runStemma(['create', 'artifact', 's3://cli/train.csv', '--type', 'DataSet', '--data', data]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^stemma: ValidationException: Artifact with source s3:\/\/cli\/train\.csv already exists/);
    expect(dup.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('deletes with --cascade, after a --dry-run that lists what would go', async () => {
    const d = fresh();
    await ok(['create', 'context', 'ep', '--type', 'Endpoint', '--source-uri', 'ep', '--data', d]);
    await ok(['create', 'artifact', 's3://x/m', '--type', 'Model', '--data', d]);
    await ok(['create', 'association', 's3://x/m', 'ep', '--data', d]);
    const refused = await runStemma(['delete', 'ep', '--data', d]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has 1 associations; pass --cascade/);
    const dry = await ok(['delete', 'ep', '--cascade', '--dry-run', '--data', d]);
    expect(dry).toMatch(/^Would delete:\nassociation\s+arn:.*artifact\/\w+ -> arn:.*context\/ep\ncontext\s+arn:.*context\/ep\n$/);
    expect(await ok(['ls', 'contexts', '--data', d])).toContain('ep');
    expect(await ok(['delete', 'ep', '--cascade', '--data', d])).toMatch(/^Deleted arn:.*context\/ep and 1 associations\n$/);
    expect(await ok(['ls', 'contexts', '--data', d])).not.toContain('ep');
  });

  it('exports and imports a whole account exactly', async () => {
    const first = await ok(['export', '--data', data]);
    expect(first.trim().split('\n')).toHaveLength(7);
    const copy = fresh();
    const imported = await withStdin(['import', '--data', copy], first);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('Imported 4 entities and 3 associations.');
    expect(await ok(['export', '--data', copy])).toBe(first);
  });
});
