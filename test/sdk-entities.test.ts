/**
 * The SDK's entity classes over the wire: create/load/save/delete (with disassociate), lists over
 * many pages, tags, typed errors, the helpers on the manual example of the lineage spec §7.6, and
 * an Approval action's model package from the real model registry.
 */
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, CreateTrialComponentCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Action,
  Artifact,
  Association,
  Context,
  DatasetArtifact,
  EndpointContext,
  LineageFilter,
  LineageQuery,
  LineageTrialComponent,
  ModelArtifact,
  ModelPackageApprovalAction,
  ResourceNotFound,
  collect,
  isAlreadyExists,
  isServiceError,
  sessionOf,
} from './sdk-imports.js';
import type { LineageSession } from './sdk-imports.js';
import { startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let session: LineageSession;

/** A manually created trial component (CreateTrialComponent), as the manual tutorial makes one. */
async function trialComponent(name: string): Promise<string> {
  const res = await session.client.send(new CreateTrialComponentCommand({ TrialComponentName: name, Status: { PrimaryStatus: 'Completed' } }));
  return res.TrialComponentArn ?? '';
}

beforeAll(async () => {
  server = await startTestServer({ quotas: null });
  session = sessionOf(server.client());
});
afterAll(() => server.close());

describe('SDK entities', () => {
  it('creates, loads, saves and deletes an artifact of the right class', async () => {
    const a = await Artifact.create(session, { sourceUri: 's3://sdk/crud/data.csv', artifactType: 'DataSet', artifactName: 'data', properties: { k1: 'v1' } });
    expect(a).toBeInstanceOf(Artifact);
    expect(a.creationTime).toBeInstanceOf(Date);
    const loaded = await Artifact.load(session, a.artifactArn);
    expect(loaded).toBeInstanceOf(DatasetArtifact);
    expect(loaded.source?.SourceUri).toBe('s3://sdk/crud/data.csv');
    loaded.properties = { k3: 'v3' };
    loaded.propertiesToRemove = ['k1'];
    await loaded.save();
    expect((await Artifact.load(session, a.artifactArn)).properties).toEqual({ k3: 'v3' });
    await loaded.delete();
    await expect(Artifact.load(session, a.artifactArn)).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it('deletes with disassociate: every association, in and out, across pages', async () => {
    const hub = await Context.create(session, { contextName: 'hub', sourceUri: 'hub', contextType: 'Project' });
    for (let i = 0; i < 120; i++) {
      const a = await Artifact.create(session, { sourceUri: `s3://sdk/hub/${i}`, artifactType: 'DataSet' });
      if (i % 2 === 0) await Association.create(session, { sourceArn: a.arn, destinationArn: hub.arn, associationType: 'ContributedTo' });
      else await Association.create(session, { sourceArn: hub.arn, destinationArn: a.arn });
    }
    const refused = await hub.delete().then(() => undefined, (e: unknown) => e);
    expect(isServiceError(refused, 'ValidationException')).toBe(true);
    await hub.delete({ disassociate: true });
    await expect(Context.load(session, 'hub')).rejects.toBeInstanceOf(ResourceNotFound);
    expect(await collect(Association.list(session, { DestinationArn: hub.arn }))).toEqual([]);
    const artifacts = await collect(Artifact.list(session, { SourceUri: undefined, pageSize: 7 }));
    expect(artifacts.filter((s) => s.Source?.SourceUri?.startsWith('s3://sdk/hub/')).length).toBe(120);
  });

  it('tags any entity, from a list or a map', async () => {
    const action = await Action.create(session, { actionName: 'tagged', sourceUri: 'x', actionType: 'Approval', status: 'Completed' });
    await action.setTag({ Key: 'team', Value: 'ml' });
    await action.setTags({ stage: 'prod', owner: 'ana' });
    expect((await action.tags()).map((t) => t.Key).sort()).toEqual(['owner', 'stage', 'team']);
    await action.removeTags(['owner']);
    expect((await action.tags()).length).toBe(2);
    action.description = 'approved';
    await action.save();
    expect((await Action.load(session, 'tagged')).description).toBe('approved');
  });

  it('throws typed errors: already exists, not found', async () => {
    await Artifact.create(session, { sourceUri: 's3://sdk/dup', artifactType: 'DataSet' });
    const dup = await Artifact.create(session, { sourceUri: 's3://sdk/dup', artifactType: 'DataSet' }).catch((e: unknown) => e);
    expect(isAlreadyExists(dup)).toBe(true);
    await expect(Context.load(session, 'nope')).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(new LineageQuery(session).query({ startArns: ['arn:aws:sagemaker:us-east-1:000000000000:artifact/00000000000000000000000000000000'] })).rejects.toBeInstanceOf(ResourceNotFound);
  });
});

describe('SDK helpers on the manual example (spec §7.6)', () => {
  // code, train, test → training TC (ContributedTo); TC → model (Produced); TC → endpoint (no type).
  const arns: Record<string, string> = {};
  beforeAll(async () => {
    for (const [key, type] of [['code', 'Code'], ['train', 'DataSet'], ['test', 'DataSet'], ['model', 'Model']] as const) {
      arns[key] = (await Artifact.create(session, { sourceUri: `s3://manual/${key}`, artifactType: type, artifactName: key })).arn;
    }
    arns['tc'] = await trialComponent('manual-training-job-aws-training-job');
    arns['endpoint'] = (await Context.create(session, { contextName: 'manual-endpoint', sourceUri: 'arn:aws:sagemaker:us-east-1:000000000000:endpoint/manual', contextType: 'Endpoint' })).arn;
    for (const k of ['code', 'train', 'test']) await Association.create(session, { sourceArn: arns[k]!, destinationArn: arns['tc'], associationType: 'ContributedTo' });
    await Association.create(session, { sourceArn: arns['tc'], destinationArn: arns['model']!, associationType: 'Produced' });
    await Association.create(session, { sourceArn: arns['tc'], destinationArn: arns['endpoint'] });
  });

  it('finds the datasets behind the endpoint and the model', async () => {
    const endpoint = await Context.load(session, 'manual-endpoint');
    expect(endpoint).toBeInstanceOf(EndpointContext);
    expect((await (endpoint as EndpointContext).datasetArtifacts()).map((d) => d.artifactName).sort()).toEqual(['test', 'train']);
    const model = (await Artifact.load(session, arns['model']!)) as ModelArtifact;
    expect(model).toBeInstanceOf(ModelArtifact);
    expect((await model.datasetArtifacts()).map((d) => d.artifactName).sort()).toEqual(['test', 'train']);
    // The endpoint hangs off the training component, not below the model: no endpoint downstream of it.
    expect(await model.endpointContexts()).toEqual([]);
    const train = (await Artifact.load(session, arns['train']!)) as DatasetArtifact;
    expect((await train.endpointContexts()).map((e) => e.contextName)).toEqual(['manual-endpoint']);
    expect((await train.trainedModels()).map((a) => a.DestinationArn)).toEqual([arns['model']]);
    expect(await train.downstreamDatasets()).toEqual([]);
  });

  it('queries several starts at once, every page, without repeats', async () => {
    const q = new LineageQuery(session);
    const both = await q.query({ startArns: [arns['train']!, arns['test']!], direction: 'Descendants', pageSize: 1 });
    expect(new Set(both.vertices.map((v) => v.arn)).size).toBe(both.vertices.length);
    expect(both.vertices.map((v) => v.arn).sort()).toEqual([arns['train'], arns['test'], arns['tc'], arns['model'], arns['endpoint']].sort());
    expect(both.edges.length).toBe(4);
    const filtered = await q.query({ startArns: [arns['code']!], direction: 'Descendants', includeEdges: false, filter: new LineageFilter({ entities: ['Artifact'], sources: ['Model'] }) });
    expect(filtered.vertices.map((v) => v.arn)).toEqual([arns['model']]);
    expect(filtered.edges).toEqual([]);
  });

  it('loads the trial component by name or ARN, with the datasets in and the model out', async () => {
    const tc = await LineageTrialComponent.load(session, 'manual-training-job-aws-training-job');
    expect(tc.arn).toBe(arns['tc']);
    expect(tc.source).toBeUndefined(); // made by hand: no job behind it
    expect(await tc.pipelineExecutionArn()).toBeUndefined();
    expect((await tc.datasetArtifacts()).map((d) => d.artifactName).sort()).toEqual(['test', 'train']);
    expect((await tc.models()).map((m) => m.arn)).toEqual([arns['model']]);
    expect((await LineageTrialComponent.load(session, arns['tc']!)).trialComponentName).toBe('manual-training-job-aws-training-job');
  });
});

describe('ModelPackageApprovalAction on the model registry', () => {
  it('describes the versioned model package its Approval action stands for', async () => {
    await session.client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'sdk-churn' }));
    const spec = { Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1', ModelDataUrl: 's3://sdk/churn/model.tar.gz' }] };
    const versions = [];
    for (let i = 0; i < 2; i++) versions.push((await session.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'sdk-churn', InferenceSpecification: spec }))).ModelPackageArn);
    const approvals = await collect(Action.list(session, { ActionType: 'Approval', SourceUri: versions[1] }));
    expect(approvals).toHaveLength(1);
    const approval = await Action.load(session, approvals[0]?.ActionArn ?? '');
    expect(approval).toBeInstanceOf(ModelPackageApprovalAction);
    // Version 2, not the group (the Python SDK's split('/')[1] would name the group: spec §9.5).
    const pkg = await (approval as ModelPackageApprovalAction).modelPackage();
    expect(pkg).toMatchObject({ ModelPackageArn: versions[1], ModelPackageGroupName: 'sdk-churn', ModelPackageVersion: 2 });
    const group = await new LineageQuery(session).query({ startArns: [approval.arn], direction: 'Descendants', filter: new LineageFilter({ sources: ['ModelGroup'] }), includeEdges: false });
    expect(group.vertices).toHaveLength(1);
  });
});
