/**
 * Accounts and lineage sharing over the wire, adversarially: every account is a real SDK client
 * (test/accounts.ts maps `acct-<12 digits>-<name>` keys to accounts). Each test uses accounts of
 * its own, so tests never see each other's grants.
 */
import {
  AddAssociationCommand,
  AddTagsCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  CreateExperimentCommand,
  CreateModelCommand,
  CreateTrialComponentCommand,
  DeleteActionCommand,
  DeleteArtifactCommand,
  DeleteAssociationCommand,
  DeleteContextCommand,
  DeleteTagsCommand,
  DeleteTrialComponentCommand,
  DescribeActionCommand,
  DescribeArtifactCommand,
  DescribeContextCommand,
  DescribeExperimentCommand,
  DescribeLineageGroupCommand,
  DescribeTrialComponentCommand,
  GetLineageGroupPolicyCommand,
  ListActionsCommand,
  ListArtifactsCommand,
  ListAssociationsCommand,
  ListContextsCommand,
  ListLineageGroupsCommand,
  ListTagsCommand,
  ListTrialComponentsCommand,
  QueryLineageCommand,
  SearchCommand,
  UpdateActionCommand,
  UpdateArtifactCommand,
  UpdateContextCommand,
  UpdateTrialComponentCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountKey, sharesCall, testAccountsAuthenticator } from './accounts.js';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let nextAccount = 100_000_000_000;

beforeAll(async () => {
  server = await startTestServer({ authenticator: testAccountsAuthenticator(), quotas: { action: 3000, artifact: 6000, association: 2, context: 500 } });
});
afterAll(() => server.close());

interface Account {
  readonly id: string;
  readonly sm: SageMakerClient;
  readonly key: string;
  grant(to: Account): Promise<{ status: number; json: Record<string, unknown> }>;
  revoke(to: Account): Promise<{ status: number; json: Record<string, unknown> }>;
  artifact(uri: string, type?: string): Promise<string>;
}

function account(name: string): Account {
  const id = String(nextAccount++);
  const key = accountKey(id, name);
  const sm = server.client({ accessKeyId: key });
  return {
    id,
    sm,
    key,
    grant: (to) => sharesCall(server.url, key, 'PUT', { account: to.id }),
    revoke: (to) => sharesCall(server.url, key, 'DELETE', { account: to.id }),
    artifact: async (uri, type = 'DataSet') =>
      (await sm.send(new CreateArtifactCommand({ Source: { SourceUri: uri }, ArtifactType: type }))).ArtifactArn as string,
  };
}

/** An entity of each shared kind in an account, by ARN. */
async function entitiesOf(a: Account, tag: string): Promise<{ artifact: string; action: string; context: string; component: string }> {
  const artifact = await a.artifact(`s3://bucket/${tag}/data`);
  const action = (await a.sm.send(new CreateActionCommand({ ActionName: `${tag}-act`, Source: { SourceUri: 'u' }, ActionType: 'Train' }))).ActionArn as string;
  const context = (await a.sm.send(new CreateContextCommand({ ContextName: `${tag}-ctx`, Source: { SourceUri: 'u' }, ContextType: 'Endpoint' }))).ContextArn as string;
  const component = (await a.sm.send(new CreateTrialComponentCommand({ TrialComponentName: `${tag}-tc` }))).TrialComponentArn as string;
  return { artifact, action, context, component };
}

async function notFound(p: Promise<unknown>): Promise<string> {
  const e = await awsError(p);
  expect(e.name).toBe('ResourceNotFound');
  expect(e.status).toBe(400);
  return e.message;
}

async function lineage(a: Account, start: string, direction: 'Both' | 'Descendants' | 'Ascendants' = 'Both'): Promise<{ vertices: string[]; edges: string[] }> {
  const out = await a.sm.send(new QueryLineageCommand({ StartArns: [start], Direction: direction, IncludeEdges: true, MaxDepth: 10 }));
  return {
    vertices: (out.Vertices ?? []).map((v) => v.Arn as string).sort(),
    edges: (out.Edges ?? []).map((e) => `${e.SourceArn} -${e.AssociationType ?? ''}-> ${e.DestinationArn}`).sort(),
  };
}

describe('accounts without sharing', () => {
  it("read another account's entity by ARN exactly as a missing one", async () => {
    const alice = account('alice');
    const bob = account('bob');
    const own = await entitiesOf(alice, 'iso');
    const missing = {
      artifact: own.artifact.replace(/[0-9a-f]{32}$/, '0'.repeat(32)),
      action: `${own.action}-nope`,
      context: `${own.context}-nope`,
      component: `${own.component}-nope`,
    };
    const describe = (sm: SageMakerClient, e: typeof own) => [
      sm.send(new DescribeArtifactCommand({ ArtifactArn: e.artifact })),
      sm.send(new DescribeActionCommand({ ActionName: e.action })),
      sm.send(new DescribeContextCommand({ ContextName: e.context })),
      sm.send(new DescribeTrialComponentCommand({ TrialComponentName: e.component })),
    ];
    const foreign = await Promise.all(describe(bob.sm, own).map(notFound));
    const absent = await Promise.all(describe(bob.sm, missing).map(notFound));
    // The same words, the ARN aside: nothing tells "exists elsewhere" from "does not exist".
    foreign.forEach((m, i) => expect(m.replace(/arn:\S+/, 'ARN')).toBe((absent[i] as string).replace(/arn:\S+/, 'ARN')));
    // By name, a lookup stays in the caller's account.
    await notFound(bob.sm.send(new DescribeActionCommand({ ActionName: 'iso-act' })));
    await notFound(bob.sm.send(new QueryLineageCommand({ StartArns: [own.artifact] })));
    await notFound(bob.sm.send(new AddAssociationCommand({ SourceArn: own.artifact, DestinationArn: own.action })));
    await notFound(bob.sm.send(new DescribeLineageGroupCommand({ LineageGroupName: 'sagemaker-default-lineage-group' })));
    await notFound(bob.sm.send(new GetLineageGroupPolicyCommand({ LineageGroupName: `arn:aws:sagemaker:us-east-1:${alice.id}:lineage-group/sagemaker-default-lineage-group` })));
    for (const arn of Object.values(own)) {
      await notFound(bob.sm.send(new ListTagsCommand({ ResourceArn: arn })));
      await notFound(bob.sm.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] })));
    }
    expect((await bob.sm.send(new ListArtifactsCommand({}))).ArtifactSummaries).toEqual([]);
    expect((await bob.sm.send(new ListLineageGroupsCommand({}))).LineageGroupSummaries).toEqual([]);
  });
});

describe('a lineage group shared from one account to another', () => {
  it('lets the grantee describe by ARN, and nothing else of what only the owner may do', async () => {
    const alice = account('alice');
    const bob = account('bob');
    const a = await entitiesOf(alice, 'shared');
    const b = await entitiesOf(bob, 'mine');
    const grant = await alice.grant(bob);
    expect(grant.status).toBe(201);
    expect(grant.json).toMatchObject({ Created: true, Share: { OwnerAccount: alice.id, GranteeAccount: bob.id } });

    const group = `arn:aws:sagemaker:us-east-1:${alice.id}:lineage-group/sagemaker-default-lineage-group`;
    const artifact = await bob.sm.send(new DescribeArtifactCommand({ ArtifactArn: a.artifact }));
    expect(artifact).toMatchObject({ ArtifactArn: a.artifact, LineageGroupArn: group });
    expect((await bob.sm.send(new DescribeActionCommand({ ActionName: a.action }))).ActionArn).toBe(a.action);
    expect((await bob.sm.send(new DescribeContextCommand({ ContextName: a.context }))).ContextArn).toBe(a.context);
    expect((await bob.sm.send(new DescribeTrialComponentCommand({ TrialComponentName: a.component }))).TrialComponentArn).toBe(a.component);
    // By name stays in the caller's own account.
    await notFound(bob.sm.send(new DescribeActionCommand({ ActionName: 'shared-act' })));

    // Sharing grants Describe, associations and QueryLineage: not Update, Delete, tags. (Update and
    // Delete of actions, contexts and trial components take names only, which name the caller's own.)
    await notFound(bob.sm.send(new UpdateArtifactCommand({ ArtifactArn: a.artifact, Properties: { x: 'y' } })));
    await notFound(bob.sm.send(new UpdateActionCommand({ ActionName: 'shared-act', Status: 'Failed' })));
    await notFound(bob.sm.send(new UpdateContextCommand({ ContextName: 'shared-ctx', Description: 'mine now' })));
    await notFound(bob.sm.send(new UpdateTrialComponentCommand({ TrialComponentName: 'shared-tc', DisplayName: 'x' })));
    await notFound(bob.sm.send(new DeleteArtifactCommand({ ArtifactArn: a.artifact })));
    await notFound(bob.sm.send(new DeleteArtifactCommand({ Source: { SourceUri: 's3://bucket/shared/data' } })));
    await notFound(bob.sm.send(new DeleteActionCommand({ ActionName: 'shared-act' })));
    await notFound(bob.sm.send(new DeleteContextCommand({ ContextName: 'shared-ctx' })));
    await notFound(bob.sm.send(new DeleteTrialComponentCommand({ TrialComponentName: 'shared-tc' })));
    for (const arn of Object.values(a)) {
      await notFound(bob.sm.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] })));
      await notFound(bob.sm.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['k'] })));
      await notFound(bob.sm.send(new ListTagsCommand({ ResourceArn: arn })));
    }
    expect((await alice.sm.send(new DescribeArtifactCommand({ ArtifactArn: a.artifact }))).Properties ?? {}).toEqual({});

    // Lists and Search show the caller's own entities only.
    expect((await bob.sm.send(new ListArtifactsCommand({}))).ArtifactSummaries?.map((s) => s.ArtifactArn)).toEqual([b.artifact]);
    expect((await bob.sm.send(new ListActionsCommand({}))).ActionSummaries?.map((s) => s.ActionArn)).toEqual([b.action]);
    expect((await bob.sm.send(new ListContextsCommand({}))).ContextSummaries?.map((s) => s.ContextArn)).toEqual([b.context]);
    expect((await bob.sm.send(new ListTrialComponentsCommand({}))).TrialComponentSummaries?.map((s) => s.TrialComponentArn)).toEqual([b.component]);
    const search = await bob.sm.send(new SearchCommand({ Resource: 'ExperimentTrialComponent' }));
    expect(search.Results?.map((r) => r.TrialComponent?.TrialComponentArn)).toEqual([b.component]);

    // One-way: the owner does not see the grantee's entities.
    await notFound(alice.sm.send(new DescribeArtifactCommand({ ArtifactArn: b.artifact })));
    await notFound(alice.sm.send(new QueryLineageCommand({ StartArns: [b.artifact] })));

    // Experiments are not part of a lineage group.
    await alice.sm.send(new CreateExperimentCommand({ ExperimentName: 'private-exp' }));
    await notFound(bob.sm.send(new DescribeExperimentCommand({ ExperimentName: 'private-exp' })));

    // After revoke, all of it reads as missing again.
    expect((await alice.revoke(bob)).status).toBe(200);
    await notFound(bob.sm.send(new DescribeArtifactCommand({ ArtifactArn: a.artifact })));
    await notFound(bob.sm.send(new DescribeTrialComponentCommand({ TrialComponentName: a.component })));
    await notFound(bob.sm.send(new GetLineageGroupPolicyCommand({ LineageGroupName: group })));
  });

  it('shows the grant in the owner\'s lineage-group policy, which the grantee can read by the group ARN', async () => {
    const alice = account('alice');
    const bob = account('bob');
    const carol = account('carol');
    await alice.artifact('s3://bucket/policy');
    const group = `arn:aws:sagemaker:us-east-1:${alice.id}:lineage-group/sagemaker-default-lineage-group`;
    const before = await alice.sm.send(new GetLineageGroupPolicyCommand({ LineageGroupName: 'sagemaker-default-lineage-group' }));
    expect(before.LineageGroupArn).toBe(group);
    expect(before.ResourcePolicy).toBeUndefined();

    await alice.grant(bob);
    await alice.grant(carol);
    const policy = await bob.sm.send(new GetLineageGroupPolicyCommand({ LineageGroupName: group }));
    const doc = JSON.parse(policy.ResourcePolicy as string) as { Statement: { Principal: { AWS: string[] }; Action: string[]; Effect: string; Resource: string }[] };
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]?.Effect).toBe('Allow');
    expect(doc.Statement[0]?.Resource).toBe(group);
    expect(doc.Statement[0]?.Principal.AWS).toEqual([`arn:aws:iam::${bob.id}:root`, `arn:aws:iam::${carol.id}:root`].sort());
    expect([...(doc.Statement[0]?.Action ?? [])].sort()).toEqual(
      [
        'sagemaker:AddAssociation',
        'sagemaker:DeleteAssociation',
        'sagemaker:DescribeAction',
        'sagemaker:DescribeArtifact',
        'sagemaker:DescribeContext',
        'sagemaker:DescribeTrialComponent',
        'sagemaker:QueryLineage',
      ].sort(),
    );
    // DescribeLineageGroup takes a name only (the API model's pattern), which names the caller's own group.
    expect((await awsError(bob.sm.send(new DescribeLineageGroupCommand({ LineageGroupName: group })))).name).toBe('ValidationException');
    await notFound(bob.sm.send(new DescribeLineageGroupCommand({ LineageGroupName: 'sagemaker-default-lineage-group' })));
    // Listing shows the caller's own groups only.
    expect((await bob.sm.send(new ListLineageGroupsCommand({}))).LineageGroupSummaries).toEqual([]);

    await alice.revoke(carol);
    const after = JSON.parse((await alice.sm.send(new GetLineageGroupPolicyCommand({ LineageGroupName: group }))).ResourcePolicy as string) as {
      Statement: { Principal: { AWS: string[] } }[];
    };
    expect(after.Statement[0]?.Principal.AWS).toEqual([`arn:aws:iam::${bob.id}:root`]);
    await notFound(carol.sm.send(new GetLineageGroupPolicyCommand({ LineageGroupName: group })));
    await alice.revoke(bob);
    expect((await alice.sm.send(new GetLineageGroupPolicyCommand({ LineageGroupName: group }))).ResourcePolicy).toBeUndefined();
  });

  it('grants only the caller\'s own group, and refuses bad requests with nothing written', async () => {
    const alice = account('alice');
    const bob = account('bob');
    const bad = await sharesCall(server.url, alice.key, 'PUT', { account: '12345' });
    expect(bad.status).toBe(400);
    expect(bad.json['__type']).toBe('ValidationException');
    expect(String(bad.json['message'])).toContain("'account'");
    const self = await sharesCall(server.url, alice.key, 'POST', { account: alice.id });
    expect(self.status).toBe(400);
    expect((await sharesCall(server.url, alice.key, 'PUT', 'not json')).status).toBe(400);
    const none = await alice.revoke(bob);
    expect(none.status).toBe(400);
    expect(none.json['__type']).toBe('ResourceNotFound');
    const patch = await sharesCall(server.url, alice.key, 'PATCH' as 'PUT', { account: bob.id });
    expect(patch.status).toBe(405);
    expect(patch.json).toEqual({ __type: 'MethodNotAllowed', message: 'Use GET, PUT, POST, DELETE for /api/v1/lineage-group/shares.' });
    expect((await sharesCall(server.url, alice.key, 'GET')).json).toEqual({ Granted: [], Received: [] });

    expect((await alice.grant(bob)).status).toBe(201);
    const again = await sharesCall(server.url, alice.key, 'POST', { account: bob.id });
    expect(again.status).toBe(200);
    expect(again.json['Created']).toBe(false);
    const mine = await sharesCall(server.url, alice.key, 'GET');
    expect((mine.json['Granted'] as { GranteeAccount: string }[]).map((g) => g.GranteeAccount)).toEqual([bob.id]);
    expect(mine.json['Received']).toEqual([]);
    const theirs = await sharesCall(server.url, bob.key, 'GET');
    expect(theirs.json['Granted']).toEqual([]);
    expect((theirs.json['Received'] as { OwnerAccount: string }[]).map((g) => g.OwnerAccount)).toEqual([alice.id]);
    // The grantee cannot take the owner's grant back: revoke acts on the caller's own grants.
    expect((await sharesCall(server.url, bob.key, 'DELETE', { account: alice.id })).status).toBe(400);
    expect((await sharesCall(server.url, alice.key, 'GET')).json['Granted']).toHaveLength(1);
    // The owner's group exists from the grant on, even without lineage yet.
    expect((await alice.sm.send(new ListLineageGroupsCommand({}))).LineageGroupSummaries).toHaveLength(1);
    const byQuery = await fetch(new URL(`/api/v1/lineage-group/shares?account=${bob.id}`, server.url), {
      method: 'DELETE',
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=${alice.key}/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=00` },
    });
    expect(byQuery.status).toBe(200);
    expect((await sharesCall(server.url, alice.key, 'GET')).json['Granted']).toEqual([]);
  });
});

describe('associations and QueryLineage across accounts', () => {
  it('need the right to both ends, belong to their creator, and stop at a revoke', async () => {
    const alice = account('alice');
    const bob = account('bob');
    const carol = account('carol');
    const a = await entitiesOf(alice, 'up');
    const b = await entitiesOf(bob, 'down');
    const c = await entitiesOf(carol, 'side');
    await alice.sm.send(new AddAssociationCommand({ SourceArn: a.artifact, DestinationArn: a.action, AssociationType: 'ContributedTo' }));
    await carol.grant(alice);
    // Alice may join her entity to Carol's (shared with her), and Bob may not join his to Alice's yet.
    await alice.sm.send(new AddAssociationCommand({ SourceArn: a.action, DestinationArn: c.context }));
    await notFound(bob.sm.send(new AddAssociationCommand({ SourceArn: a.action, DestinationArn: b.artifact })));

    await alice.grant(bob);
    await bob.sm.send(new AddAssociationCommand({ SourceArn: a.action, DestinationArn: b.artifact, AssociationType: 'Produced' }));
    // One end must still be readable: Carol did not share with Bob.
    await notFound(bob.sm.send(new AddAssociationCommand({ SourceArn: c.context, DestinationArn: b.artifact })));
    // Both ends foreign but readable is allowed too (the right on both ends is what counts).
    await bob.sm.send(new AddAssociationCommand({ SourceArn: a.context, DestinationArn: a.component }));
    // Bob's associations count against Bob's quota (2 in this server).
    const over = await awsError(bob.sm.send(new AddAssociationCommand({ SourceArn: b.action, DestinationArn: b.context })));
    expect(over.name).toBe('ResourceLimitExceeded');

    // Listed with their creator, and only while both ends are readable.
    const bobs = (await bob.sm.send(new ListAssociationsCommand({ SortOrder: 'Ascending' }))).AssociationSummaries ?? [];
    expect(bobs.map((s) => [s.SourceArn, s.DestinationArn])).toEqual([
      [a.action, b.artifact],
      [a.context, a.component],
    ]);
    const alices = (await alice.sm.send(new ListAssociationsCommand({ SortOrder: 'Ascending' }))).AssociationSummaries ?? [];
    expect(alices.map((s) => [s.SourceArn, s.DestinationArn])).toEqual([
      [a.artifact, a.action],
      [a.action, c.context],
    ]);

    // Bob's query from his artifact climbs into Alice's lineage, and from there into nothing of Carol's.
    const up = await lineage(bob, b.artifact, 'Ascendants');
    expect(up.vertices).toEqual([a.action, a.artifact, b.artifact].sort());
    expect(up.edges).toEqual([`${a.action} -Produced-> ${b.artifact}`, `${a.artifact} -ContributedTo-> ${a.action}`].sort());
    // Started on Alice's entity, with Both, it comes back down into Bob's.
    expect((await lineage(bob, a.artifact)).vertices).toEqual([a.action, a.artifact, b.artifact].sort());
    // Alice sees Carol's context (shared with her) but never Bob's artifact.
    expect((await lineage(alice, a.artifact)).vertices).toEqual([a.action, a.artifact, c.context].sort());
    // Carol sees only her own.
    expect((await lineage(carol, c.context)).vertices).toEqual([c.context]);

    // Alice cannot delete Bob's association: she cannot read its other end.
    await notFound(alice.sm.send(new DeleteAssociationCommand({ SourceArn: a.action, DestinationArn: b.artifact })));
    // Nor her context that Bob associated: the refusal says whose association holds it.
    const held = await awsError(alice.sm.send(new DeleteContextCommand({ ContextName: a.context.split('/')[1] })));
    expect(held.name).toBe('ValidationException');
    expect(held.message).toContain(`cannot be deleted: it still has 1 association. Some were made by accounts its lineage is shared with, and only they can delete those (1 by account ${bob.id}).`);

    await alice.revoke(bob);
    // The association made before the revoke stays Bob's, but leads nowhere and cannot be touched.
    expect(await lineage(bob, b.artifact)).toEqual({ vertices: [b.artifact], edges: [] });
    await notFound(bob.sm.send(new QueryLineageCommand({ StartArns: [a.artifact] })));
    expect((await bob.sm.send(new ListAssociationsCommand({}))).AssociationSummaries).toEqual([]);
    await notFound(bob.sm.send(new DeleteAssociationCommand({ SourceArn: a.action, DestinationArn: b.artifact })));
    await notFound(bob.sm.send(new AddAssociationCommand({ SourceArn: a.artifact, DestinationArn: b.action })));

    // Shared again, Bob can remove what he made; his quota is given back.
    await alice.grant(bob);
    await bob.sm.send(new DeleteAssociationCommand({ SourceArn: a.action, DestinationArn: b.artifact }));
    await bob.sm.send(new AddAssociationCommand({ SourceArn: b.action, DestinationArn: b.context }));
  });
});

describe('automatic SameAs', () => {
  it('joins the same data in two accounts that share, both ways, at creation and at a grant', async () => {
    const alice = account('alice');
    const bob = account('bob');
    const carol = account('carol');
    const dave = account('dave');
    const aData = await alice.artifact('s3://bucket/same/data.csv');
    await alice.grant(bob);
    // Bob's artifact for the same source has the same id, in his account.
    const bData = await bob.artifact('s3://bucket/same/data.csv');
    expect(bData.split('/')[1]).toBe(aData.split('/')[1]);
    const fromBob = await lineage(bob, bData);
    expect(fromBob.vertices).toEqual([aData, bData].sort());
    expect(fromBob.edges).toEqual([`${aData} -SameAs-> ${bData}`, `${bData} -SameAs-> ${aData}`].sort());
    // Each direction belongs to its source's account; Alice cannot read Bob's side, so lists nothing.
    const bobs = (await bob.sm.send(new ListAssociationsCommand({}))).AssociationSummaries ?? [];
    expect(bobs.map((s) => [s.SourceArn, s.AssociationType, s.DestinationArn])).toEqual([[bData, 'SameAs', aData]]);
    expect((await alice.sm.send(new ListAssociationsCommand({}))).AssociationSummaries).toEqual([]);
    expect(await lineage(alice, aData)).toEqual({ vertices: [aData], edges: [] });
    // Granting again joins nothing new, but completes a pair that lost a direction.
    expect((await alice.grant(bob)).json['SameAsPairs']).toBe(0);
    await bob.sm.send(new DeleteAssociationCommand({ SourceArn: bData, DestinationArn: aData }));
    expect((await lineage(bob, bData)).edges).toEqual([`${aData} -SameAs-> ${bData}`]);
    expect((await alice.grant(bob)).json['SameAsPairs']).toBe(1);
    expect((await lineage(bob, bData)).edges).toEqual(fromBob.edges);

    // Whichever came first: Carol shares with Alice after both hold the data.
    const cData = await carol.artifact('s3://bucket/same/data.csv');
    const other = await carol.artifact('s3://bucket/other');
    const granted = await carol.grant(alice);
    expect(granted.json['SameAsPairs']).toBe(1);
    expect((await lineage(alice, aData)).edges).toEqual([`${aData} -SameAs-> ${cData}`, `${cData} -SameAs-> ${aData}`].sort());
    expect((await lineage(alice, other)).vertices).toEqual([other]);

    // Automatic: they do not count against the quota (2 associations here), and leave with the artifact.
    await bob.sm.send(new AddAssociationCommand({ SourceArn: bData, DestinationArn: await bob.artifact('s3://bucket/b1') }));
    await bob.sm.send(new AddAssociationCommand({ SourceArn: bData, DestinationArn: await bob.artifact('s3://bucket/b2') }));
    await dave.artifact('s3://bucket/same/data.csv');
    await dave.grant(bob);
    expect(await lineage(bob, bData).then((l) => l.vertices.length)).toBe(5);

    await alice.sm.send(new DeleteArtifactCommand({ ArtifactArn: aData }));
    expect((await lineage(bob, bData)).vertices.some((v) => v.includes(alice.id))).toBe(false);
    expect((await lineage(carol, cData)).edges).toEqual([]);
  });

  it('also joins artifacts Stemma creates by itself, such as a model\'s data', async () => {
    const alice = account('alice');
    const bob = account('bob');
    const aModel = await alice.artifact('s3://bucket/models/m1/model.tar.gz', 'Model');
    await alice.grant(bob);
    await bob.sm.send(
      new CreateModelCommand({
        ModelName: 'm1',
        ExecutionRoleArn: `arn:aws:iam::${bob.id}:role/sagemaker`,
        PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1', ModelDataUrl: 's3://bucket/models/m1/model.tar.gz' },
      }),
    );
    const bModel = aModel.replace(alice.id, bob.id);
    expect((await bob.sm.send(new DescribeArtifactCommand({ ArtifactArn: bModel }))).Source?.SourceUri).toBe('s3://bucket/models/m1/model.tar.gz');
    expect((await lineage(bob, bModel)).edges).toEqual([`${aModel} -SameAs-> ${bModel}`, `${bModel} -SameAs-> ${aModel}`].sort());
  });
});
