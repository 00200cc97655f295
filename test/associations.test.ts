import {
  AddAssociationCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  DeleteAssociationCommand,
  ListAssociationsCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let sm: SageMakerClient;
let dataset: string;
let model: string;
let deployment: string;
let endpoint: string;

beforeAll(async () => {
  server = await startTestServer();
  sm = server.client();
  dataset = (await sm.send(new CreateArtifactCommand({ ArtifactName: 'ds', Source: { SourceUri: 's3://a/ds' }, ArtifactType: 'DataSet' }))).ArtifactArn!;
  model = (await sm.send(new CreateArtifactCommand({ ArtifactName: 'm', Source: { SourceUri: 's3://a/model.tar.gz' }, ArtifactType: 'Model' }))).ArtifactArn!;
  deployment = (await sm.send(new CreateActionCommand({ ActionName: 'deploy', Source: { SourceUri: 'ep' }, ActionType: 'ModelDeployment' }))).ActionArn!;
  endpoint = (await sm.send(new CreateContextCommand({ ContextName: 'endpoint', Source: { SourceUri: 'ep' }, ContextType: 'Endpoint' }))).ContextArn!;
  await sm.send(new AddAssociationCommand({ SourceArn: dataset, DestinationArn: model, AssociationType: 'ContributedTo' }));
  await sm.send(new AddAssociationCommand({ SourceArn: model, DestinationArn: deployment, AssociationType: 'ContributedTo' }));
  await sm.send(new AddAssociationCommand({ SourceArn: deployment, DestinationArn: endpoint, AssociationType: 'AssociatedWith' }));
});
afterAll(() => server.close());

describe('AddAssociation', () => {
  it('returns both ends and refuses the same ordered pair twice', async () => {
    const err = await awsError(sm.send(new AddAssociationCommand({ SourceArn: dataset, DestinationArn: model, AssociationType: 'DerivedFrom' })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('already exists');
  });

  it('allows the reverse pair, and no type at all', async () => {
    const res = await sm.send(new AddAssociationCommand({ SourceArn: endpoint, DestinationArn: dataset }));
    expect(res).toMatchObject({ SourceArn: endpoint, DestinationArn: dataset });
    const listed = await sm.send(new ListAssociationsCommand({ SourceArn: endpoint, DestinationArn: dataset }));
    expect(listed.AssociationSummaries).toHaveLength(1);
    expect(listed.AssociationSummaries![0]!.AssociationType).toBeUndefined();
    await sm.send(new DeleteAssociationCommand({ SourceArn: endpoint, DestinationArn: dataset }));
  });

  it('needs both ends to exist', async () => {
    const ghost = 'arn:aws:sagemaker:us-east-1:000000000000:context/ghost';
    const err = await awsError(sm.send(new AddAssociationCommand({ SourceArn: dataset, DestinationArn: ghost })));
    expect(err.name).toBe('ResourceNotFound');
    expect(err.message).toContain(ghost);
  });

  it('refuses trials (not in the ARN pattern) and two experiment entities', async () => {
    const trial = await awsError(
      sm.send(new AddAssociationCommand({ SourceArn: dataset, DestinationArn: 'arn:aws:sagemaker:us-east-1:000000000000:experiment-trial/t' })),
    );
    expect(trial.name).toBe('ValidationException');
    expect(trial.message).toContain("at 'destinationArn' failed to satisfy constraint: Member must satisfy regular expression pattern");
    const badType = await server.raw('SageMaker.AddAssociation', JSON.stringify({ SourceArn: dataset, DestinationArn: model, AssociationType: 'Feeds' }));
    expect(badType.json['message']).toContain('Member must satisfy enum value set: [ContributedTo, AssociatedWith, DerivedFrom, Produced, SameAs]');
  });
});

describe('ListAssociations', () => {
  it('filters on the type strings of the ends, not their lineage types', async () => {
    const fromModels = await sm.send(new ListAssociationsCommand({ SourceType: 'Model' }));
    expect(fromModels.AssociationSummaries).toHaveLength(1);
    expect(fromModels.AssociationSummaries![0]).toMatchObject({
      SourceArn: model,
      DestinationArn: deployment,
      SourceType: 'Model',
      DestinationType: 'ModelDeployment',
      SourceName: 'm',
      DestinationName: 'deploy',
      AssociationType: 'ContributedTo',
      CreatedBy: { IamIdentity: { PrincipalId: 'AKIDTEST' } },
    });
    const toEndpoints = await sm.send(new ListAssociationsCommand({ DestinationType: 'Endpoint' }));
    expect(toEndpoints.AssociationSummaries!.map((a) => a.SourceArn)).toEqual([deployment]);
    const artifactType = await sm.send(new ListAssociationsCommand({ SourceType: 'Artifact' }));
    expect(artifactType.AssociationSummaries).toEqual([]);
  });

  it('filters by association type and sorts by any allowed key', async () => {
    const contributed = await sm.send(new ListAssociationsCommand({ AssociationType: 'ContributedTo', SortBy: 'SourceType', SortOrder: 'Ascending' }));
    expect(contributed.AssociationSummaries!.map((a) => a.SourceType)).toEqual(['DataSet', 'Model']);
    const byDestination = await sm.send(new ListAssociationsCommand({ SortBy: 'DestinationArn', SortOrder: 'Descending' }));
    const arns = byDestination.AssociationSummaries!.map((a) => a.DestinationArn!);
    expect(arns).toEqual([...arns].sort().reverse());
  });
});

describe('DeleteAssociation', () => {
  it('deletes an association once, then reports it missing', async () => {
    const extra = (await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://a/extra' }, ArtifactType: 'DataSet' }))).ArtifactArn!;
    await sm.send(new AddAssociationCommand({ SourceArn: extra, DestinationArn: model }));
    const res = await sm.send(new DeleteAssociationCommand({ SourceArn: extra, DestinationArn: model }));
    expect(res).toMatchObject({ SourceArn: extra, DestinationArn: model });
    const again = await awsError(sm.send(new DeleteAssociationCommand({ SourceArn: extra, DestinationArn: model })));
    expect(again.name).toBe('ResourceNotFound');
  });
});
