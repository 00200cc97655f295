import {
  AddAssociationCommand,
  AddTagsCommand,
  AssociateTrialComponentCommand,
  CreateArtifactCommand,
  CreateExperimentCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
  DescribeTrialComponentCommand,
  GetSearchSuggestionsCommand,
  ListAssociationsCommand,
  SearchCommand,
  UpdateTrialComponentCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient, SearchCommandInput, SearchExpression } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let sm: SageMakerClient;

const RUNS = 6;
const lr = (i: number): number => [0.1, 0.05, 0.01, 0.005, 0.001, 0.0005][i]!;
const dataset = (i: number): string => `s3://data/churn-v${i % 2 === 0 ? 1 : 2}.csv`;

async function postMetrics(name: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/v1/trial-components/${encodeURIComponent(name)}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A tracking scenario as a data scientist builds it: one experiment, a trial per run, one training trial component each. */
beforeAll(async () => {
  server = await startTestServer({ quotas: null });
  sm = server.client();
  await sm.send(new CreateExperimentCommand({ ExperimentName: 'churn', DisplayName: 'Churn-model', Tags: [{ Key: 'team', Value: 'growth' }] }));
  await sm.send(new CreateExperimentCommand({ ExperimentName: 'fraud' }));
  const datasets = new Map<string, string>();
  for (const uri of [dataset(0), dataset(1)]) {
    datasets.set(uri, (await sm.send(new CreateArtifactCommand({ Source: { SourceUri: uri }, ArtifactType: 'DataSet' }))).ArtifactArn!);
  }
  for (let i = 0; i < RUNS; i++) {
    await sm.send(new CreateTrialCommand({ TrialName: `run-${i}`, ExperimentName: 'churn' }));
    const { TrialComponentArn } = await sm.send(
      new CreateTrialComponentCommand({
        TrialComponentName: `train-${i}`,
        Status: { PrimaryStatus: i === 5 ? 'Failed' : 'Completed' },
        StartTime: new Date(Date.UTC(2024, 4, 1 + i)),
        Parameters: { lr: { NumberValue: lr(i) }, optimizer: { StringValue: i % 3 === 0 ? 'sgd' : 'adam' } },
        InputArtifacts: { train: { Value: dataset(i), MediaType: 'text/csv' } },
        OutputArtifacts: { model: { Value: `s3://models/run-${i}/model.tar.gz` } },
        Tags: [{ Key: 'team', Value: i < 3 ? 'growth' : 'risk' }],
      }),
    );
    await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: `train-${i}`, TrialName: `run-${i}` }));
    await sm.send(new AddAssociationCommand({ SourceArn: datasets.get(dataset(i)), DestinationArn: TrialComponentArn, AssociationType: 'ContributedTo' }));
    const accuracy = [0.81, 0.86, 0.93, 0.9, 0.84, 0.5][i]!;
    const posted = await postMetrics(`train-${i}`, {
      Metrics: [
        { MetricName: 'loss', Value: 1.0, Step: 0, Timestamp: 1_700_000_000 },
        { MetricName: 'loss', Value: 1 - accuracy, Step: 1, Timestamp: 1_700_000_060 },
        { MetricName: 'accuracy', Value: accuracy - 0.1, Step: 0, Timestamp: 1_700_000_000 },
        { MetricName: 'accuracy', Value: accuracy, Step: 1, Timestamp: 1_700_000_060 },
      ],
    });
    expect(posted.status).toBe(200);
  }
  // A trial component shared by two runs (a common preprocessing job).
  await sm.send(new CreateTrialComponentCommand({ TrialComponentName: 'preprocess', Parameters: { split: { NumberValue: 0.2 } } }));
  await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: 'preprocess', TrialName: 'run-0' }));
  await sm.send(new AssociateTrialComponentCommand({ TrialComponentName: 'preprocess', TrialName: 'run-1' }));
});
afterAll(() => server.close());

async function names(input: Omit<SearchCommandInput, 'Resource'> & { Resource?: SearchCommandInput['Resource'] }): Promise<string[]> {
  const res = await sm.send(new SearchCommand({ Resource: 'ExperimentTrialComponent', MaxResults: 100, ...input }));
  return res.Results!.map((r) => r.TrialComponent?.TrialComponentName ?? r.Trial?.TrialName ?? r.Experiment?.ExperimentName ?? '?');
}

const where = (...filters: NonNullable<SearchExpression['Filters']>): { SearchExpression: SearchExpression } => ({ SearchExpression: { Filters: filters } });

describe('Search over a tracking scenario', () => {
  it('finds the best run of an experiment by a metric', async () => {
    const best = await sm.send(
      new SearchCommand({
        Resource: 'ExperimentTrialComponent',
        ...where({ Name: 'Parents.ExperimentName', Operator: 'Equals', Value: 'churn' }, { Name: 'Metrics.accuracy.Max', Operator: 'Exists' }),
        SortBy: 'Metrics.accuracy.Max',
        SortOrder: 'Descending',
        MaxResults: 1,
      }),
    );
    const tc = best.Results![0]!.TrialComponent!;
    expect(tc.TrialComponentName).toBe('train-2');
    expect(tc.Parents).toEqual([{ TrialName: 'run-2', ExperimentName: 'churn' }]);
    const accuracy = tc.Metrics!.find((m) => m.MetricName === 'accuracy')!;
    expect(accuracy).toMatchObject({ Max: 0.93, Min: expect.closeTo(0.83) as number, Last: 0.93, Count: 2 });
    expect(accuracy.Avg).toBeCloseTo(0.88);
    expect(accuracy.StdDev).toBeCloseTo(Math.SQRT2 * 0.05);
    expect(accuracy.TimeStamp).toEqual(new Date(1_700_000_060_000));
    expect(tc.Tags).toEqual([{ Key: 'team', Value: 'growth' }]);
    expect(best.NextToken).toBeDefined();
  });

  it('finds the runs that used a dataset, by artifact value, by Contains on all inputs, and through lineage', async () => {
    const v2 = ['train-1', 'train-3', 'train-5'];
    expect(await names({ ...where({ Name: 'InputArtifacts.train.Value', Value: dataset(1) }), SortBy: 'TrialComponentName', SortOrder: 'Ascending' })).toEqual(v2);
    expect(await names({ ...where({ Name: 'InputArtifacts', Operator: 'Contains', Value: 'churn-v2' }), SortBy: 'TrialComponentName', SortOrder: 'Ascending' })).toEqual(v2);
    const artifact = (await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://data/other.csv' }, ArtifactType: 'DataSet' }))).ArtifactArn;
    expect(artifact).toBeDefined();
    const lineage = await sm.send(new ListAssociationsCommand({ DestinationType: undefined, SourceType: 'DataSet', MaxResults: 100 }));
    expect(lineage.AssociationSummaries!.filter((a) => a.DestinationArn?.includes('experiment-trial-component'))).toHaveLength(RUNS);
  });

  it('finds runs with a tag, with parameters in a range, and with a metric below a bound', async () => {
    const sorted = { SortBy: 'TrialComponentName', SortOrder: 'Ascending' as const };
    expect(await names({ ...where({ Name: 'Tags.team', Operator: 'Equals', Value: 'risk' }), ...sorted })).toEqual(['train-3', 'train-4', 'train-5']);
    expect(
      await names({
        ...where(
          { Name: 'Parameters.lr.NumberValue', Operator: 'LessThanOrEqualTo', Value: '0.01' },
          { Name: 'Metrics.loss.Last', Operator: 'LessThan', Value: '0.15' },
        ),
        ...sorted,
      }),
    ).toEqual(['train-2', 'train-3']);
    expect(await names({ ...where({ Name: 'Parameters.optimizer.StringValue', Operator: 'In', Value: 'sgd, rmsprop' }), ...sorted })).toEqual(['train-0', 'train-3']);
    expect(await names({ ...where({ Name: 'Parameters.lr', Operator: 'Equals', Value: '0.05' }), ...sorted })).toEqual(['train-1']);
    expect(await names({ ...where({ Name: 'Status.PrimaryStatus', Operator: 'NotEquals', Value: 'Completed' }), ...sorted })).toEqual(['preprocess', 'train-5']);
    expect(await names({ ...where({ Name: 'Metrics', Operator: 'NotExists' }), ...sorted })).toEqual(['preprocess']);
    expect(await names({ ...where({ Name: 'StartTime', Operator: 'GreaterThanOrEqualTo', Value: '2024-05-05T00:00:00' }), ...sorted })).toEqual(['train-4', 'train-5']);
    expect(await names({ ...where({ Name: 'Parameters.lr.NumberValue', Operator: 'GreaterThan', Value: '0.01' }), SortBy: 'Parameters.lr.NumberValue', SortOrder: 'Ascending' })).toEqual(['train-1', 'train-0']);
  });

  it('combines sub-expressions with Or, and nested filters on one parent', async () => {
    const either: SearchExpression = {
      Operator: 'Or',
      SubExpressions: [
        { Filters: [{ Name: 'TrialComponentName', Value: 'train-0' }] },
        { Filters: [{ Name: 'Tags.team', Value: 'risk' }, { Name: 'Metrics.accuracy.Max', Operator: 'GreaterThan', Value: '0.85' }] },
      ],
    };
    expect(await names({ SearchExpression: either, SortBy: 'TrialComponentName', SortOrder: 'Ascending' })).toEqual(['train-0', 'train-3']);
    const nested: SearchExpression = {
      NestedFilters: [
        {
          NestedPropertyName: 'Parents',
          Filters: [
            { Name: 'Parents.TrialName', Value: 'run-1' },
            { Name: 'Parents.ExperimentName', Value: 'churn' },
          ],
        },
      ],
    };
    expect(await names({ SearchExpression: nested, SortBy: 'TrialComponentName', SortOrder: 'Ascending' })).toEqual(['preprocess', 'train-1']);
  });

  it('searches experiments and trials too', async () => {
    expect(await names({ Resource: 'Experiment', ...where({ Name: 'DisplayName', Operator: 'Contains', Value: 'Churn' }) })).toEqual(['churn']);
    expect(await names({ Resource: 'Experiment', ...where({ Name: 'Tags.team', Value: 'growth' }) })).toEqual(['churn']);
    const trials = await sm.send(
      new SearchCommand({ Resource: 'ExperimentTrial', ...where({ Name: 'TrialComponentSummaries.TrialComponentName', Value: 'preprocess' }), SortBy: 'TrialName', SortOrder: 'Ascending' }),
    );
    expect(trials.Results!.map((r) => r.Trial!.TrialName)).toEqual(['run-0', 'run-1']);
    expect(trials.Results![0]!.Trial!.TrialComponentSummaries!.map((s) => s.TrialComponentName)).toEqual(['train-0', 'preprocess']);
    expect((await sm.send(new SearchCommand({ Resource: 'TrainingJob' }))).Results).toEqual([]);
  });

  it('never returns another region\'s resources', async () => {
    const other = server.client({ region: 'eu-west-1' });
    expect((await other.send(new SearchCommand({ Resource: 'ExperimentTrialComponent' }))).Results).toEqual([]);
    expect((await other.send(new GetSearchSuggestionsCommand({ Resource: 'ExperimentTrialComponent', SuggestionQuery: { PropertyNameQuery: { PropertyNameHint: 'Metrics.' } } }))).PropertyNameSuggestions).toEqual([]);
  });

  it('sees every committed write at once', async () => {
    await sm.send(new UpdateTrialComponentCommand({ TrialComponentName: 'preprocess', Parameters: { split: { NumberValue: 0.3 } } }));
    expect(await names(where({ Name: 'Parameters.split.NumberValue', Value: '0.3' }))).toEqual(['preprocess']);
    await sm.send(new AddTagsCommand({ ResourceArn: (await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'preprocess' }))).TrialComponentArn, Tags: [{ Key: 'stage', Value: 'prep' }] }));
    expect(await names(where({ Name: 'Tags.stage', Value: 'prep' }))).toEqual(['preprocess']);
  });
});

describe('Search validation', () => {
  const cases: [string, SearchCommandInput, string][] = [
    ['an unknown property', { Resource: 'ExperimentTrialComponent', ...where({ Name: 'Colour', Value: 'x' }) }, "Invalid property name 'Colour'"],
    ['an ordered operator on text', { Resource: 'ExperimentTrialComponent', ...where({ Name: 'TrialComponentName', Operator: 'GreaterThan', Value: 'a' }) }, 'not supported for the text property'],
    ['a non-numeric value for a number', { Resource: 'ExperimentTrialComponent', ...where({ Name: 'Metrics.loss.Max', Operator: 'LessThan', Value: 'low' }) }, 'is not a valid number'],
    ['a bad timestamp', { Resource: 'ExperimentTrialComponent', ...where({ Name: 'CreationTime', Operator: 'GreaterThan', Value: 'yesterday' }) }, 'is not a valid timestamp'],
    ['Contains on a number', { Resource: 'ExperimentTrialComponent', ...where({ Name: 'Metrics.loss.Max', Operator: 'Contains', Value: '1' }) }, 'only supported for text'],
    ['a missing Value', { Resource: 'ExperimentTrialComponent', ...where({ Name: 'TrialComponentName', Operator: 'Equals' }) }, 'needs a Value'],
    [
      'two Contains on limited properties',
      { Resource: 'ExperimentTrialComponent', ...where({ Name: 'Source.SourceArn', Operator: 'Contains', Value: 'a' }, { Name: 'Status.Message', Operator: 'Contains', Value: 'b' }) },
      "'CONTAINS' operator usage limit of 1 exceeded.",
    ],
    ['a nested filter on a non-list', { Resource: 'ExperimentTrialComponent', SearchExpression: { NestedFilters: [{ NestedPropertyName: 'Tags', Filters: [{ Name: 'Tags.a', Value: 'b' }] }] } }, "Invalid NestedPropertyName 'Tags'"],
    ['a nested filter outside its list', { Resource: 'ExperimentTrialComponent', SearchExpression: { NestedFilters: [{ NestedPropertyName: 'Parents', Filters: [{ Name: 'TrialComponentName', Value: 'b' }] }] } }, 'not a property of Parents'],
    ['an empty expression', { Resource: 'ExperimentTrialComponent', SearchExpression: {} }, 'must contain Filters, NestedFilters or SubExpressions'],
    ['sorting by a group of values', { Resource: 'ExperimentTrialComponent', SortBy: 'Parameters.lr' }, "Cannot sort by 'Parameters.lr'"],
    ['sorting by an unknown property', { Resource: 'Experiment', SortBy: 'Metrics.loss.Max' }, "Invalid property name 'Metrics.loss.Max'"],
  ];
  it.each(cases)('refuses %s with a ValidationException', async (_what, input, message) => {
    const e = await awsError(sm.send(new SearchCommand(input)));
    expect(e).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(e.message).toContain(message);
  });

  it('refuses an operator outside the model and a NextToken reused with another expression', async () => {
    const bad = await server.raw('SageMaker.Search', JSON.stringify({ Resource: 'Experiment', SearchExpression: { Filters: [{ Name: 'ExperimentName', Operator: 'Like', Value: 'x' }] } }));
    expect(bad.status).toBe(400);
    expect(bad.json['__type']).toBe('ValidationException');
    const first = await sm.send(new SearchCommand({ Resource: 'ExperimentTrialComponent', MaxResults: 1 }));
    const e = await awsError(sm.send(new SearchCommand({ Resource: 'ExperimentTrialComponent', ...where({ Name: 'Tags.team', Value: 'risk' }), NextToken: first.NextToken })));
    expect(e.name).toBe('ValidationException');
  });
});

describe('Search pagination', () => {
  it('returns every match exactly once while other clients insert, in both orders', async () => {
    for (const order of ['Ascending', 'Descending'] as const) {
      const seen: string[] = [];
      let token: string | undefined;
      let inserted = 0;
      do {
        const res = await sm.send(
          new SearchCommand({
            Resource: 'ExperimentTrialComponent',
            ...where({ Name: 'TrialComponentName', Operator: 'Contains', Value: 'train' }),
            SortBy: 'CreationTime',
            SortOrder: order,
            MaxResults: 2,
            NextToken: token,
          }),
        );
        seen.push(...res.Results!.map((r) => r.TrialComponent!.TrialComponentName!));
        token = res.NextToken;
        await sm.send(new CreateTrialComponentCommand({ TrialComponentName: `train-late-${order}-${inserted++}` }));
      } while (token);
      expect(new Set(seen).size).toBe(seen.length);
      for (let i = 0; i < RUNS; i++) expect(seen).toContain(`train-${i}`);
    }
  });

  it('pages a metric sort with documents lacking the metric at the end', async () => {
    const all = await names({ SortBy: 'Metrics.accuracy.Max', SortOrder: 'Ascending' });
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const res = await sm.send(new SearchCommand({ Resource: 'ExperimentTrialComponent', SortBy: 'Metrics.accuracy.Max', SortOrder: 'Ascending', MaxResults: 3, NextToken: token }));
      paged.push(...res.Results!.map((r) => r.TrialComponent!.TrialComponentName!));
      token = res.NextToken;
    } while (token);
    expect(paged).toEqual(all);
    expect(all.slice(0, RUNS)).toEqual(['train-5', 'train-0', 'train-4', 'train-1', 'train-3', 'train-2']);
  });
});

describe('GetSearchSuggestions', () => {
  it('suggests property names, including metric and parameter names found in documents', async () => {
    const res = await sm.send(new GetSearchSuggestionsCommand({ Resource: 'ExperimentTrialComponent', SuggestionQuery: { PropertyNameQuery: { PropertyNameHint: 'Metrics.acc' } } }));
    expect(res.PropertyNameSuggestions!.map((s) => s.PropertyName)).toEqual(
      ['Avg', 'Count', 'Last', 'Max', 'Min', 'StdDev', 'TimeStamp'].map((s) => `Metrics.accuracy.${s}`),
    );
    const fixed = await sm.send(new GetSearchSuggestionsCommand({ Resource: 'ExperimentTrialComponent', SuggestionQuery: { PropertyNameQuery: { PropertyNameHint: 'Status' } } }));
    expect(fixed.PropertyNameSuggestions!.map((s) => s.PropertyName)).toEqual(['Status', 'Status.Message', 'Status.PrimaryStatus']);
  });
});

describe('POST /api/v1/trial-components/{name}/metrics', () => {
  it('reports metric summaries in DescribeTrialComponent', async () => {
    const d = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'train-0' }));
    expect(d.Metrics!.find((m) => m.MetricName === 'loss')).toMatchObject({ Count: 2, Max: 1, Min: expect.closeTo(0.19) as number, Last: expect.closeTo(0.19) as number });
  });

  it('refuses bad bodies, unknown trial components and other methods, writing nothing', async () => {
    expect(await postMetrics('train-0', { Metrics: [{ MetricName: 'loss', Value: 'high' }] })).toMatchObject({
      status: 400,
      json: { __type: 'ValidationException', message: "'Metrics.1.Value' must be a finite number." },
    });
    expect(await postMetrics('train-0', { Metrics: [{ MetricName: 'loss', Value: 1 }, { MetricName: '', Value: 1 }] })).toMatchObject({ status: 400 });
    expect((await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'train-0' }))).Metrics!.find((m) => m.MetricName === 'loss')!.Count).toBe(2);
    expect(await postMetrics('missing', { Metrics: [{ MetricName: 'loss', Value: 1 }] })).toMatchObject({ status: 400, json: { __type: 'ResourceNotFound' } });
    const get = await fetch(`${server.url}/api/v1/trial-components/train-0/metrics`);
    expect(get.status).toBe(405);
    const malformed = await fetch(`${server.url}/api/v1/trial-components/train-0/metrics`, { method: 'POST', body: '{' });
    expect(malformed.status).toBe(400);
  });
});
