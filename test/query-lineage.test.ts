import {
  AddAssociationCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  DeleteAssociationCommand,
  QueryLineageCommand,
  UpdateArtifactCommand,
} from '@aws-sdk/client-sagemaker';
import type { Edge, QueryLineageCommandInput, SageMakerClient, Vertex } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityKind } from '../src/core/model.js';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

/**
 * The docs' platform in miniature (spec §7.2 wiring): one image shared by two training jobs whose
 * models are deployed to two endpoints, a processing job that made the training data, and a model
 * package with its approval.
 *
 *   raw ─▶ prep(TC) ─▶ train ─▶ trainA(TC) ─▶ modelA ─▶ deployA ─▶ endpointA
 *             ▲                    ▲                      ▲
 *   image ────┴────────────────────┼──▶ trainB(TC) ─▶ modelB ─▶ deployB ─▶ endpointB
 *                                  └── image
 */
let server: TestServer;
let sm: SageMakerClient;
const arn: Record<string, string> = {};

async function artifact(key: string, type: string): Promise<void> {
  const res = await sm.send(new CreateArtifactCommand({ ArtifactName: key, Source: { SourceUri: `s3://lineage/${key}` }, ArtifactType: type }));
  arn[key] = res.ArtifactArn!;
}

async function action(key: string, type: string): Promise<void> {
  arn[key] = (await sm.send(new CreateActionCommand({ ActionName: key, Source: { SourceUri: key }, ActionType: type }))).ActionArn!;
}

async function context(key: string, type: string): Promise<void> {
  arn[key] = (await sm.send(new CreateContextCommand({ ContextName: key, Source: { SourceUri: key }, ContextType: type }))).ContextArn!;
}

/** Trial components and experiments arrive with the experiments API; until then, straight into the store. */
async function experimentEntity(key: string, kind: EntityKind, type: string | null): Promise<void> {
  const entityArn = `arn:aws:sagemaker:us-east-1:000000000000:${kind}/${key}`;
  const user = { IamIdentity: { PrincipalId: 'test' } };
  await server.running.store.transaction((tx) =>
    tx.insertEntity({
      arn: entityArn, account: '000000000000', region: 'us-east-1', kind, name: key, type, sourceUri: null, status: null,
      description: null, properties: {}, attrs: {}, createdAt: Date.now(), createdBy: user, modifiedAt: Date.now(), modifiedBy: user,
      automatic: true,
    }),
  );
  arn[key] = entityArn;
}

async function link(source: string, destination: string, type?: 'ContributedTo' | 'Produced' | 'AssociatedWith' | 'DerivedFrom'): Promise<void> {
  await sm.send(new AddAssociationCommand({ SourceArn: arn[source], DestinationArn: arn[destination], AssociationType: type }));
}

function query(input: Omit<QueryLineageCommandInput, 'StartArns'> & { from: string[] }): Promise<{ Vertices?: Vertex[]; Edges?: Edge[]; NextToken?: string }> {
  const { from, ...rest } = input;
  return sm.send(new QueryLineageCommand({ StartArns: from.map((k) => arn[k]!), ...rest }));
}

const name = (a: string | undefined): string => Object.entries(arn).find(([, v]) => v === a)?.[0] ?? `?${a}`;
const names = (vs: Vertex[] | undefined): string[] => (vs ?? []).map((v) => name(v.Arn));
const edgeNames = (es: Edge[] | undefined): string[] => (es ?? []).map((e) => `${name(e.SourceArn)}>${name(e.DestinationArn)}`).sort();

beforeAll(async () => {
  server = await startTestServer();
  sm = server.client();
  await artifact('raw', 'DataSet');
  await artifact('train', 'DataSet');
  await artifact('image', 'Image');
  await artifact('modelA', 'Model');
  await artifact('modelB', 'Model');
  await action('deployA', 'ModelDeployment');
  await action('deployB', 'ModelDeployment');
  await context('endpointA', 'Endpoint');
  await context('endpointB', 'Endpoint');
  await experimentEntity('prep', 'experiment-trial-component', 'SageMakerProcessingJob');
  await experimentEntity('trainA', 'experiment-trial-component', 'SageMakerTrainingJob');
  await experimentEntity('trainB', 'experiment-trial-component', 'SageMakerTrainingJob');
  await link('raw', 'prep', 'ContributedTo');
  await link('image', 'prep', 'ContributedTo');
  await link('prep', 'train', 'Produced');
  await link('train', 'trainA', 'ContributedTo');
  await link('image', 'trainA', 'ContributedTo');
  await link('trainA', 'modelA', 'Produced');
  await link('image', 'trainB', 'ContributedTo');
  await link('trainB', 'modelB', 'Produced');
  await link('modelA', 'deployA', 'ContributedTo');
  await link('deployA', 'endpointA', 'AssociatedWith');
  await link('modelB', 'deployB', 'ContributedTo');
  await link('deployB', 'endpointB', 'AssociatedWith');
});
afterAll(() => server.close());

describe('QueryLineage directions', () => {
  it('finds the data and jobs behind an endpoint (Ascendants), nearest first', async () => {
    const res = await query({ from: ['endpointA'], Direction: 'Ascendants' });
    expect(names(res.Vertices)).toEqual(['endpointA', 'deployA', 'modelA', 'trainA', 'image', 'train', 'prep', 'raw']);
    expect(res.Edges).toEqual([]);
    expect(res.NextToken).toBeUndefined();
  });

  it('reports Type and LineageType as SageMaker does, trial components by job kind', async () => {
    const res = await query({ from: ['modelA'], Direction: 'Ascendants', MaxDepth: 3 });
    const byName = Object.fromEntries((res.Vertices ?? []).map((v) => [name(v.Arn), [v.Type, v.LineageType]]));
    expect(byName).toEqual({
      modelA: ['Model', 'Artifact'],
      trainA: ['TrainingJob', 'TrialComponent'],
      image: ['Image', 'Artifact'],
      train: ['DataSet', 'Artifact'],
      prep: ['ProcessingJob', 'TrialComponent'],
    });
  });

  it('finds what a dataset reached (Descendants)', async () => {
    const res = await query({ from: ['raw'], Direction: 'Descendants' });
    expect(names(res.Vertices)).toEqual(['raw', 'prep', 'train', 'trainA', 'modelA', 'deployA', 'endpointA']);
  });

  it('goes both ways from every visited vertex (Both): the shared image links model A to endpoint B', async () => {
    const res = await query({ from: ['modelA'], Direction: 'Both', Filters: { Types: ['Endpoint'] } });
    expect(names(res.Vertices).sort()).toEqual(['endpointA', 'endpointB']);
    const plain = await query({ from: ['modelA'], Direction: 'Ascendants', Filters: { Types: ['Endpoint'] } });
    expect(plain.Vertices).toEqual([]);
  });
});

describe('QueryLineage depth', () => {
  beforeAll(async () => {
    // A chain of 12 artifacts c0 → c1 → … → c11, and a shortcut c0 → c5.
    for (let i = 0; i < 12; i++) await artifact(`c${i}`, 'DataSet');
    for (let i = 0; i < 11; i++) await link(`c${i}`, `c${i + 1}`, 'DerivedFrom');
  });

  it('counts associations from the start: depth 10 reaches the 11th artifact of a chain, not the 12th', async () => {
    const res = await query({ from: ['c0'], Direction: 'Descendants' });
    expect(names(res.Vertices)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']);
  });

  it('uses the shortest path, and depth 0 returns only the starts', async () => {
    await link('c0', 'c5');
    try {
      const res = await query({ from: ['c0'], Direction: 'Descendants', MaxDepth: 3 });
      // Within one depth, vertices are ordered by ARN (artifact ARNs end in a hash of their source).
      const byDepth = [['c0'], ['c1', 'c5'], ['c2', 'c6'], ['c3', 'c7']];
      const found = names(res.Vertices);
      expect(byDepth.map((group, i) => found.slice(i * 2 - (i > 0 ? 1 : 0), i * 2 + 1).sort())).toEqual(byDepth);
      const zero = await query({ from: ['c0', 'c3'], Direction: 'Descendants', MaxDepth: 0 });
      expect(names(zero.Vertices).sort()).toEqual(['c0', 'c3']);
    } finally {
      await sm.send(new DeleteAssociationCommand({ SourceArn: arn['c0'], DestinationArn: arn['c5'] }));
    }
  });

  it('takes several starts, each at depth 0', async () => {
    const res = await query({ from: ['c9', 'endpointB'], Direction: 'Descendants' });
    expect(names(res.Vertices)).toEqual(['c9', 'endpointB', 'c10', 'c11']);
  });
});

describe('QueryLineage filters and edges', () => {
  it('returns only matching vertices but traverses through the others', async () => {
    const res = await query({ from: ['raw'], Direction: 'Descendants', Filters: { LineageTypes: ['Context'] } });
    expect(names(res.Vertices)).toEqual(['endpointA']);
    const jobs = await query({ from: ['endpointA'], Direction: 'Ascendants', Filters: { Types: ['TrainingJob', 'ProcessingJob'] } });
    expect(names(jobs.Vertices)).toEqual(['trainA', 'prep']);
  });

  it('returns the start only when it matches', async () => {
    const res = await query({ from: ['modelA'], Direction: 'Descendants', Filters: { LineageTypes: ['Artifact', 'Context'] } });
    expect(names(res.Vertices)).toEqual(['modelA', 'endpointA']);
  });

  it('with IncludeEdges, returns the paths to matches: their edges and intermediate vertices, and nothing off them', async () => {
    const res = await query({ from: ['train'], Direction: 'Descendants', IncludeEdges: true, Filters: { Types: ['ModelDeployment'] } });
    expect(names(res.Vertices)).toEqual(['train', 'trainA', 'modelA', 'deployA']);
    expect(edgeNames(res.Edges)).toEqual(['modelA>deployA', 'train>trainA', 'trainA>modelA']);
    // endpointA lies beyond the match, and the image beside the path: neither is returned.
    const both = await query({ from: ['modelB'], Direction: 'Both', IncludeEdges: true, Filters: { Types: ['Endpoint'] }, MaxDepth: 3 });
    expect(names(both.Vertices)).toEqual(['modelB', 'deployB', 'endpointB']);
    expect(edgeNames(both.Edges)).toEqual(['deployB>endpointB', 'modelB>deployB']);
  });

  it('returns every traversed edge between returned vertices when nothing is filtered', async () => {
    const res = await query({ from: ['endpointA'], Direction: 'Ascendants', IncludeEdges: true });
    expect(edgeNames(res.Edges)).toEqual([
      'deployA>endpointA', 'image>prep', 'image>trainA', 'modelA>deployA', 'prep>train', 'raw>prep', 'train>trainA', 'trainA>modelA',
    ]);
    expect(res.Edges?.find((e) => name(e.SourceArn) === 'trainA')?.AssociationType).toBe('Produced');
  });

  it('filters on dates (inclusive) and on any one of several properties', async () => {
    await sm.send(new UpdateArtifactCommand({ ArtifactArn: arn['modelB'], Properties: { stage: 'prod' } }));
    const props = await query({ from: ['image'], Direction: 'Descendants', Filters: { Properties: { stage: 'prod', team: 'x' } } });
    expect(names(props.Vertices)).toEqual(['modelB']);
    const future = new Date(Date.now() + 3_600_000);
    const none = await query({ from: ['image'], Direction: 'Descendants', Filters: { CreatedAfter: future } });
    expect(none.Vertices).toEqual([]);
    const all = await query({ from: ['image'], Direction: 'Descendants', Filters: { CreatedBefore: future, ModifiedAfter: new Date(0) } });
    expect(names(all.Vertices)).toContain('endpointB');
  });

  it('traverses through experiments but never returns them', async () => {
    await experimentEntity('exp', 'experiment', null);
    await link('endpointB', 'exp', 'AssociatedWith');
    await link('exp', 'c11', 'AssociatedWith');
    const res = await query({ from: ['endpointB'], Direction: 'Descendants', IncludeEdges: true });
    expect(names(res.Vertices)).toEqual(['endpointB', 'c11']);
    expect(res.Edges).toEqual([]);
    const fromExperiment = await query({ from: ['exp'], Direction: 'Descendants' });
    expect(names(fromExperiment.Vertices)).toEqual(['c11']);
  });
});

describe('QueryLineage pages', () => {
  async function allPages(input: Parameters<typeof query>[0]): Promise<{ vertices: Vertex[]; edges: Edge[]; pages: number }> {
    const vertices: Vertex[] = [];
    const edges: Edge[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await query({ ...input, NextToken: token });
      vertices.push(...(res.Vertices ?? []));
      edges.push(...(res.Edges ?? []));
      token = res.NextToken;
      pages++;
    } while (token);
    return { vertices, edges, pages };
  }

  it('pages add up to the unpaged answer, every edge exactly once', async () => {
    const input = { from: ['modelA'], Direction: 'Both' as const, IncludeEdges: true };
    const whole = await query(input);
    for (const size of [1, 2, 3, 7]) {
      const paged = await allPages({ ...input, MaxResults: size });
      expect(paged.vertices).toEqual(whole.Vertices);
      expect(edgeNames(paged.edges)).toEqual(edgeNames(whole.Edges));
      expect(paged.pages).toBe(Math.ceil(whole.Vertices!.length / size));
    }
  });

  it('refuses a NextToken reused with another query, or not issued by Stemma', async () => {
    const first = await query({ from: ['modelA'], Direction: 'Both', MaxResults: 1 });
    expect(first.NextToken).toBeDefined();
    const other = await awsError(query({ from: ['modelA'], Direction: 'Descendants', MaxResults: 1, NextToken: first.NextToken }));
    expect(other.name).toBe('ValidationException');
    expect(other.message).toContain('NextToken');
    const forged = await awsError(query({ from: ['modelA'], Direction: 'Both', NextToken: 'not-a-token' }));
    expect(forged.name).toBe('ValidationException');
    // Changing only MaxResults is fine.
    const next = await query({ from: ['modelA'], Direction: 'Both', MaxResults: 5, NextToken: first.NextToken });
    expect(next.Vertices?.[0]?.Arn).not.toBe(first.Vertices?.[0]?.Arn);
  });
});

describe('QueryLineage errors', () => {
  it('refuses an unknown start with ResourceNotFound naming it', async () => {
    const ghost = 'arn:aws:sagemaker:us-east-1:000000000000:artifact/0123456789abcdef0123456789abcdef';
    const err = await awsError(sm.send(new QueryLineageCommand({ StartArns: [arn['modelA']!, ghost] })));
    expect(err).toMatchObject({ name: 'ResourceNotFound', status: 400 });
    expect(err.message).toContain(ghost);
    const otherRegion = await awsError(server.client({ region: 'eu-west-1' }).send(new QueryLineageCommand({ StartArns: [arn['modelA']!] })));
    expect(otherRegion.name).toBe('ResourceNotFound');
  });

  it('refuses no start, more than 50, depth over the limit and empty pages with ValidationException', async () => {
    const cases: [QueryLineageCommandInput, string][] = [
      [{ StartArns: [] }, 'startArns'],
      [{ StartArns: Array.from({ length: 51 }, () => arn['modelA']!) }, 'startArns'],
      [{ StartArns: [arn['modelA']!], MaxDepth: 11 }, 'maxDepth'],
      [{ StartArns: [arn['modelA']!], MaxDepth: -1 }, 'maxDepth'],
      [{ StartArns: [arn['modelA']!], MaxResults: 0 }, 'maxResults'],
      [{ StartArns: [arn['modelA']!], MaxResults: 51 }, 'maxResults'],
      [{ StartArns: ['arn:aws:sagemaker:us-east-1:000000000000:experiment-trial/t'] }, 'startArns'],
    ];
    for (const [input, member] of cases) {
      const err = await awsError(sm.send(new QueryLineageCommand(input)));
      expect(err).toMatchObject({ name: 'ValidationException', status: 400 });
      expect(err.message).toContain(`'${member}`);
    }
  });

  it('accepts up to 50 starts', async () => {
    const res = await sm.send(new QueryLineageCommand({ StartArns: Array.from({ length: 50 }, () => arn['modelA']!), MaxDepth: 0 }));
    expect(names(res.Vertices)).toEqual(['modelA']);
  });
});

describe('QueryLineage on a server configured deeper', () => {
  it('accepts MaxDepth up to the configured limit and refuses beyond it', async () => {
    const deep = await startTestServer({ maxLineageDepth: 15 });
    try {
      const client = deep.client();
      const a = (await client.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://deep/a' }, ArtifactType: 'DataSet' }))).ArtifactArn!;
      const ok = await client.send(new QueryLineageCommand({ StartArns: [a], MaxDepth: 15 }));
      expect(ok.Vertices).toHaveLength(1);
      const err = await awsError(client.send(new QueryLineageCommand({ StartArns: [a], MaxDepth: 16 })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain("'maxDepth'");
      expect(err.message).toContain('less than or equal to 15');
    } finally {
      await deep.close();
    }
  });
});

describe('QueryLineage under concurrent writes', () => {
  it('answers every query from one snapshot: a star being grown is never seen torn', async () => {
    await artifact('hub', 'DataSet');
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        await artifact(`leaf${i}`, 'DataSet');
        await link('hub', `leaf${i}`, 'DerivedFrom');
      }
    })();
    let queries = 0;
    let done = false;
    void writer.finally(() => (done = true));
    while (!done) {
      const res = await query({ from: ['hub'], Direction: 'Descendants', IncludeEdges: true });
      const vertices = new Set((res.Vertices ?? []).map((v) => v.Arn));
      // Each edge joins returned vertices, and every leaf returned came with its edge.
      for (const e of res.Edges ?? []) expect(vertices.has(e.SourceArn) && vertices.has(e.DestinationArn)).toBe(true);
      expect(res.Edges?.length).toBe(vertices.size - 1);
      queries++;
    }
    await writer;
    const final = await query({ from: ['hub'], Direction: 'Descendants' });
    expect(final.Vertices).toHaveLength(41);
    expect(queries).toBeGreaterThan(0);
  });
});
