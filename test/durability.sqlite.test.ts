import { rmSync } from 'node:fs';
import { CreateArtifactCommand, ListArtifactsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, describe, expect, it } from 'vitest';
import { runStemma, spawnServe, waitForExit } from './cli-process.js';
import { tempDir } from './harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function client(url: string): SageMakerClient {
  return new SageMakerClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 });
}

describe('the embedded store across process deaths', () => {
  it('keeps every acknowledged write after SIGKILL, and checks integrity on the next start', async () => {
    const data = tempDir();
    dirs.push(data);
    const first = await spawnServe(['--data', data]);
    const sm = client(first.url);
    const acknowledged: string[] = [];
    // Writes in flight when the process dies may or may not land; acknowledged ones must.
    const writer = (async () => {
      for (let i = 0; i < 10_000; i++) {
        try {
          await sm.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://d/${i}` }, ArtifactType: 'DataSet' }));
          acknowledged.push(`s3://d/${i}`);
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await writer;
    await waitForExit(first.child);
    sm.destroy();

    const second = await spawnServe(['--data', data]);
    const sm2 = client(second.url);
    try {
      const stored = new Set<string>();
      let token: string | undefined;
      do {
        const page = await sm2.send(new ListArtifactsCommand({ MaxResults: 100, NextToken: token }));
        for (const s of page.ArtifactSummaries!) stored.add(s.Source!.SourceUri!);
        token = page.NextToken;
      } while (token);
      expect(second.stderr()).toContain('recovered after an unclean shutdown');
      const lost = acknowledged.filter((u) => !stored.has(u));
      expect(lost).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      sm2.destroy();
      second.child.kill('SIGTERM');
      await waitForExit(second.child);
    }
  });

  it('refuses to start a second server on a data directory in use', async () => {
    const data = tempDir();
    dirs.push(data);
    const first = await spawnServe(['--data', data]);
    try {
      const second = await runStemma(['serve', '--port', '0', '--data', data]);
      expect(second.code).not.toBe(0);
      expect(second.stderr).toContain('in use by another Stemma process');
    } finally {
      first.child.kill('SIGTERM');
      await waitForExit(first.child);
    }
    // Once the first has stopped, the directory can be opened again.
    const third = await spawnServe(['--data', data]);
    third.child.kill('SIGTERM');
    await waitForExit(third.child);
  });
});
