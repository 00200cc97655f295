/**
 * The README's team deployment, as a new team would set it up: two `stemma serve` replicas on one
 * PostgreSQL database with the same keys file (strict SigV4), two accounts, and a lineage share
 * granted with the CLI. Each client talks to a different replica, as behind a load balancer.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  SageMakerClient} from '@aws-sdk/client-sagemaker';
import {
  AddAssociationCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  DescribeArtifactCommand,
  QueryLineageCommand
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from './cli-process.js';
import { clientOf, runStemma, spawnServe, waitForExit } from './cli-process.js';
import { awsError, tempDir } from './harness.js';
import type { TestDatabase } from './postgres-databases.js';
import { freshDatabase } from './postgres-databases.js';

const TEAM = { accessKeyId: 'AKIATEAMALICE000001', secretAccessKey: 'team-secret-1', account: '111111111111', identity: 'alice' };
const PLATFORM = { accessKeyId: 'AKIAPLATFORMCI00002', secretAccessKey: 'platform-secret-2', account: '222222222222', identity: 'ci' };

const dirs: string[] = [];
let db: TestDatabase;
let replicas: ServeProcess[];

function client(replica: ServeProcess, key: { accessKeyId: string; secretAccessKey: string }): SageMakerClient {
  return clientOf(replica.url, { credentials: key });
}

beforeAll(async () => {
  db = await freshDatabase({ migrated: false });
  const keys = join(tempDir('stemma-team-keys-'), 'keys.json');
  dirs.push(join(keys, '..'));
  writeFileSync(keys, JSON.stringify({ keys: [TEAM, PLATFORM] }));
  replicas = [];
  for (let i = 0; i < 2; i++) {
    const data = tempDir('stemma-team-replica-');
    dirs.push(data);
    replicas.push(await spawnServe(['--db', db.url, '--data', data, '--keys', keys]));
  }
}, 60_000);

afterAll(async () => {
  for (const r of replicas) {
    r.child.kill('SIGTERM');
    await waitForExit(r.child);
  }
  await db.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a team deployment: replicas, keys, accounts and a share', () => {
  it('keeps accounts apart until the owner shares, then lets the other account describe and query through', async () => {
    const [one, two] = replicas as [ServeProcess, ServeProcess];
    const team = client(one, TEAM);
    const platform = client(two, PLATFORM);

    const data = await team.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://team/train.csv' }, ArtifactType: 'DataSet' }));
    const endpoint = await team.send(new CreateContextCommand({ ContextName: 'churn-prod', Source: { SourceUri: 'churn-prod' }, ContextType: 'Endpoint' }));
    await team.send(new AddAssociationCommand({ SourceArn: data.ArtifactArn, DestinationArn: endpoint.ContextArn, AssociationType: 'ContributedTo' }));
    expect(data.ArtifactArn).toContain(':111111111111:artifact/');

    // Before the share, the other account (through the other replica) cannot see it at all.
    expect((await awsError(platform.send(new DescribeArtifactCommand({ ArtifactArn: data.ArtifactArn })))).name).toBe('ResourceNotFound');
    // Unsigned or unknown keys are refused by every replica.
    const stranger = client(two, { accessKeyId: 'AKIASTRANGER0000003', secretAccessKey: 'x' });
    expect(await awsError(stranger.send(new DescribeArtifactCommand({ ArtifactArn: data.ArtifactArn })))).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
    const wrongSecret = client(one, { accessKeyId: TEAM.accessKeyId, secretAccessKey: 'not-the-secret' });
    expect(await awsError(wrongSecret.send(new DescribeArtifactCommand({ ArtifactArn: data.ArtifactArn })))).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    // The load balancer's health check needs no signature.
    expect((await fetch(`${two.url}/ping`)).status).toBe(200);

    const grant = await runStemma(['share', 'grant', PLATFORM.account, '--endpoint', two.url], {
      ...process.env,
      AWS_ACCESS_KEY_ID: TEAM.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEAM.secretAccessKey,
    });
    expect(grant.code, grant.stderr).toBe(0);

    const seen = await platform.send(new DescribeArtifactCommand({ ArtifactArn: data.ArtifactArn }));
    expect(seen.CreatedBy?.IamIdentity?.Arn).toBe('arn:aws:iam::111111111111:user/alice');

    // The platform account registers the same data in its own account: SameAs joins the two, and
    // its lineage query reaches the team's endpoint through them.
    const own = await platform.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://team/train.csv' }, ArtifactType: 'DataSet' }));
    const lineage = await platform.send(new QueryLineageCommand({ StartArns: [own.ArtifactArn as string], Direction: 'Descendants', IncludeEdges: true, MaxDepth: 5 }));
    expect(lineage.Vertices?.map((v) => v.Arn)).toEqual(expect.arrayContaining([data.ArtifactArn, endpoint.ContextArn]));
    expect(lineage.Edges).toEqual(expect.arrayContaining([expect.objectContaining({ SourceArn: own.ArtifactArn, DestinationArn: data.ArtifactArn, AssociationType: 'SameAs' })]));
  }, 60_000);
});
