import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { QueryLineageCommandOutput } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { LineageQuery, collapseCrossAccount } from './query.js';
import type { LineageEdge, LineageVertex } from './query.js';
import { sessionOf } from './session.js';

// The fixtures of the Python SDK's test_query.py (spec §3.5): one artifact id in two accounts.
const ID = 'e1f29799189751939405b0f2b5b9d2a0';
const A901 = `arn:aws:sagemaker:us-west-2:012345678901:artifact/${ID}`;
const A902 = `arn:aws:sagemaker:us-west-2:012345678902:artifact/${ID}`;
const ABCD = 'arn:aws:sagemaker:us-west-2:012345678903:artifact/abcd';
const EFGH = 'arn:aws:sagemaker:us-west-2:012345678903:artifact/efgh';

const vertex = (arn: string): LineageVertex => ({ arn, lineageEntity: 'Artifact', lineageSource: 'DataSet' });
const edge = (sourceArn: string, destinationArn: string, associationType = 'SameAs'): LineageEdge => ({ sourceArn, destinationArn, associationType });

/** A session whose client answers every QueryLineage call with these pages, in turn, without a server. */
function answering(pages: readonly Partial<QueryLineageCommandOutput>[]): { session: ReturnType<typeof sessionOf>; requests: Record<string, unknown>[] } {
  const client = new SageMakerClient({ region: 'us-west-2', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  const requests: Record<string, unknown>[] = [];
  client.middlewareStack.add(
    () => (args) => {
      requests.push(args.input as Record<string, unknown>);
      const page = pages[requests.length - 1] ?? {};
      return Promise.resolve({ output: { $metadata: {}, ...page }, response: {} });
    },
    { step: 'initialize', name: 'cannedQueryLineage' },
  );
  return { session: sessionOf(client), requests };
}

describe('collapseCrossAccount', () => {
  it('collapses SameAs twins linked both ways into one vertex and no edge (spec §3.5, first case)', () => {
    const out = collapseCrossAccount([vertex(A901), vertex(A902)], [edge(A901, A902), edge(A902, A901)]);
    expect(out.vertices.map((v) => v.arn)).toEqual([A901]);
    expect(out.edges).toEqual([]);
  });

  it('re-points the other edges of the dropped twin to the kept one (spec §3.5, second case)', () => {
    const out = collapseCrossAccount(
      [vertex(A901), vertex(A902), vertex(ABCD), vertex(EFGH)],
      [edge(A901, A902), edge(A902, A901), edge(A902, ABCD, 'ABC'), edge(ABCD, EFGH, 'DEF')],
    );
    expect(out.vertices.map((v) => v.arn)).toEqual([A901, ABCD, EFGH]);
    expect(out.edges).toEqual([edge(A901, ABCD, 'ABC'), edge(ABCD, EFGH, 'DEF')]);
  });

  it('keeps the twin met first in the result, so a start is never collapsed away', () => {
    const out = collapseCrossAccount([vertex(A902), vertex(A901), vertex(ABCD)], [edge(A901, A902), edge(A902, A901), edge(A901, ABCD, 'ContributedTo')]);
    expect(out.vertices.map((v) => v.arn)).toEqual([A902, ABCD]);
    expect(out.edges).toEqual([edge(A902, ABCD, 'ContributedTo')]);
  });

  it('merges edges that became equal, and collapses a chain across three accounts', () => {
    const a903 = `arn:aws:sagemaker:us-west-2:012345678903:artifact/${ID}`;
    const out = collapseCrossAccount(
      [vertex(A901), vertex(A902), vertex(a903), vertex(ABCD)],
      [edge(A901, A902), edge(A902, a903), edge(A901, ABCD, 'ContributedTo'), edge(A902, ABCD, 'ContributedTo'), edge(a903, ABCD, 'ContributedTo')],
    );
    expect(out.vertices.map((v) => v.arn)).toEqual([A901, ABCD]);
    expect(out.edges).toEqual([edge(A901, ABCD, 'ContributedTo')]);
  });

  it('leaves different artifacts, and same-named entities of other kinds, alone', () => {
    const ctx1 = 'arn:aws:sagemaker:us-west-2:012345678901:context/prod';
    const ctx2 = 'arn:aws:sagemaker:us-west-2:012345678902:context/prod';
    const vertices = [vertex(A901), vertex(ABCD), vertex(ctx1), vertex(ctx2)];
    const edges = [edge(A901, ABCD), edge(ctx1, ctx2)];
    expect(collapseCrossAccount(vertices, edges)).toEqual({ vertices, edges });
  });
});

describe('LineageQuery on a cross-account response', () => {
  it('reads every page, drops repeats and collapses the SameAs pair', async () => {
    const v = (Arn: string) => ({ Arn, LineageType: 'Artifact' as const, Type: 'DataSet' });
    const { session, requests } = answering([
      { Vertices: [v(A901), v(A902)], Edges: [{ SourceArn: A901, DestinationArn: A902, AssociationType: 'SameAs' }], NextToken: 't1' },
      { Vertices: [v(A902), v(ABCD)], Edges: [{ SourceArn: A902, DestinationArn: A901, AssociationType: 'SameAs' }, { SourceArn: A902, DestinationArn: ABCD, AssociationType: 'ContributedTo' }] },
    ]);
    const result = await new LineageQuery(session).query({ startArns: [A901], direction: 'Descendants' });
    expect(requests.map((r) => r['NextToken'])).toEqual([undefined, 't1']);
    expect(result.vertices.map((x) => x.arn)).toEqual([A901, ABCD]);
    expect(result.edges).toEqual([edge(A901, ABCD, 'ContributedTo')]);
  });

  it('keeps both twins when asked not to collapse', async () => {
    const { session } = answering([
      { Vertices: [{ Arn: A901, LineageType: 'Artifact' }, { Arn: A902, LineageType: 'Artifact' }], Edges: [{ SourceArn: A901, DestinationArn: A902, AssociationType: 'SameAs' }] },
    ]);
    const result = await new LineageQuery(session).query({ startArns: [A901], collapseCrossAccount: false });
    expect(result.vertices).toHaveLength(2);
    expect(result.edges).toHaveLength(1);
  });
});
