import {
  AddAssociationCommand,
  AddTagsCommand,
  AssociateTrialComponentCommand,
  CreateArtifactCommand,
  CreateExperimentCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
  DeleteAssociationCommand,
  DeleteExperimentCommand,
  DeleteTagsCommand,
  DeleteTrialCommand,
  DeleteTrialComponentCommand,
  DescribeExperimentCommand,
  DescribeTrialCommand,
  DescribeTrialComponentCommand,
  DisassociateTrialComponentCommand,
  ListExperimentsCommand,
  ListTagsCommand,
  ListTrialComponentsCommand,
  ListTrialsCommand,
  UpdateExperimentCommand,
  UpdateTrialCommand,
  UpdateTrialComponentCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let sm: SageMakerClient;
let n = 0;
const unique = (prefix: string): string => `${prefix}-${n++}`;

beforeAll(async () => {
  server = await startTestServer();
  sm = server.client();
});
afterAll(() => server.close());

describe('Experiments', () => {
  it('creates, describes, updates, lists and deletes an experiment, with tags', async () => {
    const name = unique('exp');
    const { ExperimentArn } = await sm.send(
      new CreateExperimentCommand({ ExperimentName: name, Description: 'first', Tags: [{ Key: 'team', Value: 'vision' }] }),
    );
    expect(ExperimentArn).toBe(`arn:aws:sagemaker:us-east-1:000000000000:experiment/${name}`);
    const d = await sm.send(new DescribeExperimentCommand({ ExperimentName: name }));
    expect(d).toMatchObject({ ExperimentName: name, ExperimentArn, DisplayName: name, Description: 'first' });
    expect(d.CreationTime).toBeInstanceOf(Date);
    expect(d.CreatedBy?.IamIdentity?.PrincipalId).toBe('AKIDTEST');
    await sm.send(new UpdateExperimentCommand({ ExperimentName: name, DisplayName: 'Shown', Description: 'second' }));
    expect(await sm.send(new DescribeExperimentCommand({ ExperimentName: name }))).toMatchObject({ DisplayName: 'Shown', Description: 'second' });
    expect((await sm.send(new ListTagsCommand({ ResourceArn: ExperimentArn }))).Tags).toEqual([{ Key: 'team', Value: 'vision' }]);
    const list = await sm.send(new ListExperimentsCommand({ SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 100 }));
    expect(list.ExperimentSummaries?.find((s) => s.ExperimentName === name)).toMatchObject({ ExperimentArn, DisplayName: 'Shown' });
    expect(await sm.send(new DeleteExperimentCommand({ ExperimentName: name }))).toMatchObject({ ExperimentArn });
    const gone = await awsError(sm.send(new DescribeExperimentCommand({ ExperimentName: name })));
    expect(gone).toMatchObject({ name: 'ResourceNotFound', status: 400 });
    expect(gone.message).toContain(name);
  });

  it('refuses a duplicate name with "already exists", and unknown experiments with ResourceNotFound', async () => {
    const name = unique('dup');
    await sm.send(new CreateExperimentCommand({ ExperimentName: name }));
    const e = await awsError(sm.send(new CreateExperimentCommand({ ExperimentName: name })));
    expect(e.name).toBe('ValidationException');
    expect(e.message).toBe(`Experiment with name (${name}) already exists.`);
    // Sent together, each caught at once: a rejection waiting for its turn in a loop would be unhandled.
    const errors = await Promise.all(
      [
        sm.send(new UpdateExperimentCommand({ ExperimentName: 'nope' })),
        sm.send(new DeleteExperimentCommand({ ExperimentName: 'nope' })),
        sm.send(new CreateTrialCommand({ TrialName: unique('t'), ExperimentName: 'nope' })),
        sm.send(new ListTrialsCommand({ ExperimentName: 'nope' })),
        sm.send(new ListTrialComponentsCommand({ ExperimentName: 'nope' })),
      ].map((p) => awsError(p)),
    );
    for (const e of errors) expect(e).toMatchObject({ name: 'ResourceNotFound', message: expect.stringContaining('nope') as string });
  });

  it('validates names against the API model', async () => {
    const e = await awsError(sm.send(new CreateExperimentCommand({ ExperimentName: 'bad name!' })));
    expect(e.name).toBe('ValidationException');
    expect(e.message).toContain("'experimentName'");
  });

  it('pages ListExperiments by keyset while others insert, and filters by creation time', async () => {
    const before = new Date(Date.now() - 1000);
    for (let i = 0; i < 12; i++) await sm.send(new CreateExperimentCommand({ ExperimentName: unique('page') }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await sm.send(new ListExperimentsCommand({ CreatedAfter: before, SortOrder: 'Descending', MaxResults: 5, NextToken: token }));
      seen.push(...res.ExperimentSummaries!.map((s) => s.ExperimentName!));
      token = res.NextToken;
      await sm.send(new CreateExperimentCommand({ ExperimentName: unique('inserted') }));
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((s) => s.startsWith('page-'))).toHaveLength(12);
    const reused = await awsError(sm.send(new ListExperimentsCommand({ SortBy: 'Name', NextToken: (await sm.send(new ListExperimentsCommand({ MaxResults: 1 }))).NextToken })));
    expect(reused.name).toBe('ValidationException');
  });
});

describe('Trials', () => {
  it('creates a trial in an experiment, describes, updates, lists and deletes it', async () => {
    const exp = unique('exp');
    const trial = unique('trial');
    await sm.send(new CreateExperimentCommand({ ExperimentName: exp }));
    const { TrialArn } = await sm.send(
      new CreateTrialCommand({ TrialName: trial, ExperimentName: exp, MetadataProperties: { CommitId: 'abc' }, Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    expect(TrialArn).toBe(`arn:aws:sagemaker:us-east-1:000000000000:experiment-trial/${trial}`);
    expect(await sm.send(new DescribeTrialCommand({ TrialName: trial }))).toMatchObject({
      TrialName: trial,
      TrialArn,
      DisplayName: trial,
      ExperimentName: exp,
      MetadataProperties: { CommitId: 'abc' },
    });
    await sm.send(new UpdateTrialCommand({ TrialName: trial, DisplayName: 'Run-1' }));
    expect((await sm.send(new DescribeTrialCommand({ TrialName: trial }))).DisplayName).toBe('Run-1');
    expect((await sm.send(new ListTrialsCommand({ ExperimentName: exp }))).TrialSummaries?.map((t) => t.TrialName)).toEqual([trial]);
    const dup = await awsError(sm.send(new CreateTrialCommand({ TrialName: trial, ExperimentName: exp })));
    expect(dup).toMatchObject({ name: 'ValidationException', message: `Trial with name (${trial}) already exists.` });

    const refused = await awsError(sm.send(new DeleteExperimentCommand({ ExperimentName: exp })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toContain('still has 1 trial');
    await sm.send(new DescribeExperimentCommand({ ExperimentName: exp }));

    await sm.send(new DeleteTrialCommand({ TrialName: trial }));
    expect((await sm.send(new ListTrialsCommand({ ExperimentName: exp }))).TrialSummaries).toEqual([]);
    await sm.send(new DeleteExperimentCommand({ ExperimentName: exp }));
    expect(await awsError(sm.send(new DeleteTrialCommand({ TrialName: trial })))).toMatchObject({ name: 'ResourceNotFound' });
  });
});

describe('Trial components', () => {
  it('creates with every member, describes, updates maps with removals, and deletes', async () => {
    const name = unique('tc');
    const start = new Date('2024-05-01T10:00:00Z');
    const { TrialComponentArn } = await sm.send(
      new CreateTrialComponentCommand({
        TrialComponentName: name,
        DisplayName: 'Training',
        Status: { PrimaryStatus: 'InProgress', Message: 'running' },
        StartTime: start,
        Parameters: { lr: { NumberValue: 0.1 }, optimizer: { StringValue: 'adam' } },
        InputArtifacts: { train: { Value: 's3://b/train.csv', MediaType: 'text/csv' } },
        OutputArtifacts: { model: { Value: 's3://b/model.tar.gz' } },
        MetadataProperties: { Repository: 'git@x' },
        Tags: [{ Key: 'team', Value: 'nlp' }],
      }),
    );
    expect(TrialComponentArn).toBe(`arn:aws:sagemaker:us-east-1:000000000000:experiment-trial-component/${name}`);
    const d = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: TrialComponentArn }));
    expect(d).toMatchObject({
      TrialComponentName: name,
      DisplayName: 'Training',
      Status: { PrimaryStatus: 'InProgress', Message: 'running' },
      StartTime: start,
      Parameters: { lr: { NumberValue: 0.1 }, optimizer: { StringValue: 'adam' } },
      InputArtifacts: { train: { Value: 's3://b/train.csv', MediaType: 'text/csv' } },
      OutputArtifacts: { model: { Value: 's3://b/model.tar.gz' } },
      MetadataProperties: { Repository: 'git@x' },
      Metrics: [],
      LineageGroupArn: 'arn:aws:sagemaker:us-east-1:000000000000:lineage-group/sagemaker-default-lineage-group',
    });
    expect(d.Source).toBeUndefined();

    const end = new Date('2024-05-01T11:00:00Z');
    await sm.send(
      new UpdateTrialComponentCommand({
        TrialComponentName: name,
        Status: { PrimaryStatus: 'Completed' },
        EndTime: end,
        Parameters: { lr: { NumberValue: 0.01 }, epochs: { NumberValue: 3 } },
        ParametersToRemove: ['optimizer'],
        InputArtifactsToRemove: ['train'],
        OutputArtifacts: { metrics: { Value: 's3://b/metrics.json' } },
      }),
    );
    const u = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: name }));
    expect(u.Parameters).toEqual({ lr: { NumberValue: 0.01 }, epochs: { NumberValue: 3 } });
    expect(u.InputArtifacts ?? {}).toEqual({});
    expect(u.OutputArtifacts).toEqual({ model: { Value: 's3://b/model.tar.gz' }, metrics: { Value: 's3://b/metrics.json' } });
    expect(u).toMatchObject({ Status: { PrimaryStatus: 'Completed' }, EndTime: end, StartTime: start, DisplayName: 'Training' });

    const both = await awsError(
      sm.send(new UpdateTrialComponentCommand({ TrialComponentName: name, Parameters: { a: { NumberValue: 1 } }, ParametersToRemove: ['a'] })),
    );
    expect(both.name).toBe('ValidationException');
    const backwards = await awsError(sm.send(new UpdateTrialComponentCommand({ TrialComponentName: name, EndTime: new Date('2020-01-01') })));
    expect(backwards).toMatchObject({ name: 'ValidationException', message: 'EndTime must not be earlier than StartTime.' });

    await sm.send(new DeleteTrialComponentCommand({ TrialComponentName: name }));
    expect(await awsError(sm.send(new DescribeTrialComponentCommand({ TrialComponentName: name })))).toMatchObject({ name: 'ResourceNotFound' });
    const tooMany = Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`p${i}`, { NumberValue: i }]));
    expect(await awsError(sm.send(new CreateTrialComponentCommand({ TrialComponentName: unique('big'), Parameters: tooMany })))).toMatchObject({
      name: 'ValidationException',
      status: 400,
    });
  });

  it('belongs to several trials; deletes are refused while memberships remain', async () => {
    const exp = unique('exp');
    const [t1, t2, tc] = [unique('t'), unique('t'), unique('tc')];
    await sm.send(new CreateExperimentCommand({ ExperimentName: exp }));
    await sm.send(new CreateTrialCommand({ TrialName: t1, ExperimentName: exp }));
    await sm.send(new CreateTrialCommand({ TrialName: t2, ExperimentName: exp }));
    await sm.send(new CreateTrialComponentCommand({ TrialComponentName: tc }));
    const assoc = await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: tc, TrialName: t1 }));
    expect(assoc).toMatchObject({ TrialComponentArn: expect.stringContaining(tc) as string, TrialArn: expect.stringContaining(t1) as string });
    await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: tc, TrialName: t1 }));
    await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: tc, TrialName: t2 }));

    expect((await sm.send(new ListTrialsCommand({ TrialComponentName: tc, SortBy: 'Name', SortOrder: 'Ascending' }))).TrialSummaries?.map((t) => t.TrialName)).toEqual([t1, t2]);
    expect((await sm.send(new ListTrialComponentsCommand({ TrialName: t2 }))).TrialComponentSummaries?.map((c) => c.TrialComponentName)).toEqual([tc]);
    expect((await sm.send(new ListTrialComponentsCommand({ ExperimentName: exp }))).TrialComponentSummaries?.map((c) => c.TrialComponentName)).toEqual([tc]);

    const tcRefused = await awsError(sm.send(new DeleteTrialComponentCommand({ TrialComponentName: tc })));
    expect(tcRefused).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('associated with 2 trials') as string });
    const trialRefused = await awsError(sm.send(new DeleteTrialCommand({ TrialName: t1 })));
    expect(trialRefused).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('still has 1 trial component') as string });

    await sm.send(new DisassociateTrialComponentCommand({ TrialComponentName: tc, TrialName: t1 }));
    const again = await awsError(sm.send(new DisassociateTrialComponentCommand({ TrialComponentName: tc, TrialName: t1 })));
    expect(again).toMatchObject({ name: 'ResourceNotFound', message: expect.stringContaining('is not associated') as string });
    expect(await awsError(sm.send(new AssociateTrialComponentCommand({ TrialComponentName: 'nope', TrialName: t1 })))).toMatchObject({ name: 'ResourceNotFound' });
    expect(await awsError(sm.send(new AssociateTrialComponentCommand({ TrialComponentName: tc, TrialName: 'nope' })))).toMatchObject({ name: 'ResourceNotFound' });
    await sm.send(new DisassociateTrialComponentCommand({ TrialComponentName: tc, TrialName: t2 }));
    await sm.send(new DeleteTrialComponentCommand({ TrialComponentName: tc }));
    await sm.send(new DeleteTrialCommand({ TrialName: t1 }));
  });

  it('lists with SourceArn, date filters, sort and pagination, and refuses two exclusive filters', async () => {
    const before = new Date(Date.now() - 1000);
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      const name = unique('listed');
      names.push(name);
      await sm.send(new CreateTrialComponentCommand({ TrialComponentName: name }));
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await sm.send(
        new ListTrialComponentsCommand({ CreatedAfter: before, SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 3, NextToken: token }),
      );
      seen.push(...res.TrialComponentSummaries!.map((s) => s.TrialComponentName!));
      token = res.NextToken;
      await sm.send(new CreateTrialComponentCommand({ TrialComponentName: unique('zz-later') }));
    } while (token);
    expect(seen.filter((s) => s.startsWith('listed-'))).toEqual([...names].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect((await sm.send(new ListTrialComponentsCommand({ SourceArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/none' }))).TrialComponentSummaries).toEqual([]);
    const both = await awsError(sm.send(new ListTrialComponentsCommand({ TrialName: 'a', SourceArn: 'b' })));
    expect(both).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('TrialName and SourceArn') as string });
    expect(await awsError(sm.send(new CreateTrialComponentCommand({ TrialComponentName: names[0]! })))).toMatchObject({
      name: 'ValidationException',
      message: `Trial component with name (${names[0]}) already exists.`,
    });
  });

  it('is a lineage vertex: associations to artifacts work, between experiment entities they are refused', async () => {
    const tc = unique('tc');
    const exp = unique('exp');
    const { TrialComponentArn } = await sm.send(new CreateTrialComponentCommand({ TrialComponentName: tc }));
    const { ExperimentArn } = await sm.send(new CreateExperimentCommand({ ExperimentName: exp }));
    const { ArtifactArn } = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://b/${tc}.csv` }, ArtifactType: 'DataSet' }));
    await sm.send(new AddAssociationCommand({ SourceArn: ArtifactArn, DestinationArn: TrialComponentArn, AssociationType: 'ContributedTo' }));
    const refused = await awsError(sm.send(new AddAssociationCommand({ SourceArn: TrialComponentArn, DestinationArn: ExperimentArn })));
    expect(refused.name).toBe('ValidationException');
    const blocked = await awsError(sm.send(new DeleteTrialComponentCommand({ TrialComponentName: tc })));
    expect(blocked).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('1 association') as string });
    await sm.send(new DeleteAssociationCommand({ SourceArn: ArtifactArn, DestinationArn: TrialComponentArn }));
    await sm.send(new DeleteTrialComponentCommand({ TrialComponentName: tc }));
  });

  it('keeps tags on trials and trial components through AddTags and DeleteTags', async () => {
    const tc = unique('tc');
    const { TrialComponentArn } = await sm.send(new CreateTrialComponentCommand({ TrialComponentName: tc, Tags: [{ Key: 'a', Value: '1' }] }));
    await sm.send(new AddTagsCommand({ ResourceArn: TrialComponentArn, Tags: [{ Key: 'b', Value: '2' }] }));
    await sm.send(new DeleteTagsCommand({ ResourceArn: TrialComponentArn, TagKeys: ['a'] }));
    expect((await sm.send(new ListTagsCommand({ ResourceArn: TrialComponentArn }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    await sm.send(new DeleteTrialComponentCommand({ TrialComponentName: tc }));
  });
});

describe('Error paths write nothing, and accounts or regions do not see each other', () => {
  it('answers ResourceNotFound for every operation on a missing entity', async () => {
    const missing = [
      sm.send(new DescribeTrialCommand({ TrialName: 'missing' })),
      sm.send(new UpdateTrialCommand({ TrialName: 'missing', DisplayName: 'x' })),
      sm.send(new DeleteTrialCommand({ TrialName: 'missing' })),
      sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'missing' })),
      sm.send(new UpdateTrialComponentCommand({ TrialComponentName: 'missing', DisplayName: 'x' })),
      sm.send(new DeleteTrialComponentCommand({ TrialComponentName: 'missing' })),
      sm.send(new DisassociateTrialComponentCommand({ TrialComponentName: 'missing', TrialName: 'missing' })),
      sm.send(new ListTrialsCommand({ TrialComponentName: 'missing' })),
      sm.send(new ListTrialComponentsCommand({ TrialName: 'missing' })),
      sm.send(new DescribeExperimentCommand({ ExperimentName: 'missing' })),
    ];
    const errors = await Promise.all(missing.map((p) => awsError(p)));
    for (const e of errors) expect(e).toMatchObject({ name: 'ResourceNotFound', status: 400, message: expect.stringContaining('missing') as string });
  });

  it('leaves nothing behind when a create fails', async () => {
    const trial = unique('orphan');
    await awsError(sm.send(new CreateTrialCommand({ TrialName: trial, ExperimentName: 'missing' })));
    expect(await awsError(sm.send(new DescribeTrialCommand({ TrialName: trial })))).toMatchObject({ name: 'ResourceNotFound' });
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const exp = unique('tagged');
    const tooMany = await awsError(sm.send(new CreateExperimentCommand({ ExperimentName: exp, Tags: tags })));
    expect(tooMany.name).toBe('ValidationException');
    expect(await awsError(sm.send(new DescribeExperimentCommand({ ExperimentName: exp })))).toMatchObject({ name: 'ResourceNotFound' });
  });

  it('keeps each region to itself', async () => {
    const exp = unique('regional');
    await sm.send(new CreateExperimentCommand({ ExperimentName: exp }));
    const other = server.client({ region: 'eu-west-1' });
    expect(await awsError(other.send(new DescribeExperimentCommand({ ExperimentName: exp })))).toMatchObject({ name: 'ResourceNotFound' });
    expect((await other.send(new ListExperimentsCommand({}))).ExperimentSummaries).toEqual([]);
    await other.send(new CreateExperimentCommand({ ExperimentName: exp }));
    expect((await other.send(new DescribeExperimentCommand({ ExperimentName: exp }))).ExperimentArn).toContain(':eu-west-1:');
  });
});
