/**
 * `stemma share grant|revoke|ls` as a user runs them, embedded on a data directory and against a
 * server: the grant is made by the CLI's own account (open mode's 000000000000), signed like every
 * other request, and shows in the account's lineage-group policy.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './harness.js';
import { runStemma, spawnServe, waitForExit } from './cli-process.js';

const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const r = await runStemma(args);
  if (r.code !== 0) throw new Error(`stemma ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

describe('stemma share', () => {
  it('grants, lists and revokes, embedded and through a server', async () => {
    const data = tempDir('stemma-share-');
    dirs.push(data);
    const d = ['--data', data];
    // Embedded: each command starts a server on the data directory for its duration.
    expect(await ok(['share', 'grant', '222233334444', ...d])).toBe(
      'Shared arn:aws:sagemaker:us-east-1:000000000000:lineage-group/sagemaker-default-lineage-group with account 222233334444.\n',
    );
    const bad = await runStemma(['share', 'grant', '42', ...d]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('stemma: 42 is not an AWS account id: expected 12 digits.\n');

    const server = await spawnServe(['--data', data]);
    try {
      const e = ['--endpoint', server.url];
      expect(await ok(['share', 'grant', '555566667777', ...e])).toMatch(/^Shared .* with account 555566667777\.\n$/);
      const json = JSON.parse(await ok(['share', 'ls', '--format', 'json', ...e])) as { Granted: { GranteeAccount: string }[]; Received: unknown[] };
      expect(json.Granted.map((g) => g.GranteeAccount)).toEqual(['222233334444', '555566667777']);
      expect(json.Received).toEqual([]);
      expect(await ok(['share', 'revoke', '555566667777', ...e])).toMatch(/^Revoked account 555566667777/);
      const again = await runStemma(['share', 'revoke', '555566667777', ...e]);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        'stemma: ResourceNotFound: Account 555566667777 has no grant to the lineage group arn:aws:sagemaker:us-east-1:000000000000:lineage-group/sagemaker-default-lineage-group.\n',
      );
    } finally {
      server.child.kill('SIGTERM');
      await waitForExit(server.child);
    }
    const table = (await ok(['share', 'ls', ...d])).trim().split('\n');
    expect(table).toHaveLength(2);
    expect(table[0]).toMatch(/^DIRECTION\s+ACCOUNT\s+LINEAGE GROUP\s+GRANTED$/);
    expect(table[1]).toMatch(/^granted\s+222233334444\s+arn:aws:sagemaker:us-east-1:000000000000:lineage-group\/sagemaker-default-lineage-group\s+\d{4}-/);
  }, 60_000);
});
