/** `stemma serve --db postgres://…` as a user runs it: a real process on a real PostgreSQL database. */
import { CreateArtifactCommand, DescribeArtifactCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { clientOf as client, runStemma, spawnServe, waitForExit } from './cli-process.js';
import { freshDatabase } from './postgres-databases.js';

describe('stemma serve --db', () => {
  it('serves from an empty PostgreSQL database, and another process sees what the first wrote', async () => {
    const db = await freshDatabase({ migrated: false });
    const first = await spawnServe(['--db', db.url]);
    const second = await spawnServe(['--db', db.url]);
    const [sm1, sm2] = [client(first.url), client(second.url)];
    try {
      const { ArtifactArn } = await sm1.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://pg/one.csv' }, ArtifactType: 'DataSet' }));
      const described = await sm2.send(new DescribeArtifactCommand({ ArtifactArn }));
      expect(described.Source?.SourceUri).toBe('s3://pg/one.csv');
    } finally {
      sm1.destroy();
      sm2.destroy();
      for (const p of [first, second]) {
        p.child.kill('SIGTERM');
        await waitForExit(p.child);
      }
      await db.drop();
    }
  });

  it('refuses a database URL that is not PostgreSQL, without echoing it', async () => {
    const result = await runStemma(['serve', '--port', '0', '--db', 'mysql://root:hunter2@db/stemma']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('expected postgres://');
    expect(result.stderr).not.toContain('hunter2');
  });
});
