import { AddAssociationCommand, CreateArtifactCommand, DeleteAssociationCommand, QueryLineageCommand } from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

// The embedded store answers QueryLineage from an in-memory index once it is built; it must be
// exactly as fresh as the committed data.
let server: TestServer;
let sm: SageMakerClient;

async function artifact(uri: string): Promise<string> {
  return (await sm.send(new CreateArtifactCommand({ Source: { SourceUri: uri }, ArtifactType: 'DataSet' }))).ArtifactArn!;
}

async function descendants(start: string): Promise<string[]> {
  const res = await sm.send(new QueryLineageCommand({ StartArns: [start], Direction: 'Descendants', MaxDepth: 1 }));
  return (res.Vertices ?? []).map((v) => v.Arn!).sort();
}

beforeAll(async () => {
  server = await startTestServer();
  sm = server.client();
});
afterAll(() => server.close());

describe('the embedded in-memory lineage index', () => {
  it('answers once built, and sees every acknowledged write and delete at once', async () => {
    const store = server.running.store;
    if (!(store instanceof SqliteStore)) throw new Error('expected the embedded store');
    const root = await artifact('s3://index/root');
    await store.lineage.whenBuilt();
    expect(await descendants(root)).toEqual([root]);
    expect(store.lineage.ready).toBe(true);

    const late = await artifact('s3://index/late');
    await sm.send(new AddAssociationCommand({ SourceArn: root, DestinationArn: late, AssociationType: 'DerivedFrom' }));
    expect(await descendants(root)).toEqual([root, late].sort());

    await sm.send(new DeleteAssociationCommand({ SourceArn: root, DestinationArn: late }));
    expect(await descendants(root)).toEqual([root]);
  });
});
