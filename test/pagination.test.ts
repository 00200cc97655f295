import {
  AddAssociationCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  ListActionsCommand,
  ListArtifactsCommand,
  ListAssociationsCommand,
} from '@aws-sdk/client-sagemaker';
import type { ListActionsCommandOutput, ListAssociationsCommandOutput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError, startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let sm: SageMakerClient;

beforeAll(async () => {
  server = await startTestServer({ quotas: null });
  sm = server.client();
  for (let i = 0; i < 50; i++) {
    await sm.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://p/original-${i}` }, ArtifactType: 'Original' }));
  }
});
afterAll(() => server.close());

async function pageThrough(order: 'Ascending' | 'Descending', during: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let token: string | undefined;
  let page = 0;
  do {
    const res = await sm.send(new ListArtifactsCommand({ SortOrder: order, MaxResults: 7, NextToken: token }));
    seen.push(...res.ArtifactSummaries!.map((s) => s.Source!.SourceUri!));
    token = res.NextToken;
    await during(page++);
  } while (token);
  return seen;
}

describe('List pagination', () => {
  it('pages through every item exactly once while other clients insert (descending)', async () => {
    let n = 0;
    const seen = await pageThrough('Descending', async () => {
      for (let i = 0; i < 3; i++) {
        await sm.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://p/during-desc-${n++}` }, ArtifactType: 'Inserted' }));
      }
    });
    const originals = seen.filter((u) => u.includes('original'));
    expect(new Set(seen).size).toBe(seen.length);
    expect(originals).toHaveLength(50);
    // Rows inserted after the first page are newer than the cursor, so a descending walk never meets them.
    expect(seen.filter((u) => u.includes('during-desc'))).toEqual([]);
  });

  it('pages through every item exactly once while other clients insert (ascending)', async () => {
    let n = 0;
    const seen = await pageThrough('Ascending', async (page) => {
      if (page < 5) await sm.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://p/during-asc-${n++}` }, ArtifactType: 'Inserted' }));
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((u) => u.includes('original'))).toHaveLength(50);
    expect(seen.filter((u) => u.includes('during-asc'))).toHaveLength(5);
  });

  it('returns no NextToken on the last page', async () => {
    const res = await sm.send(new ListArtifactsCommand({ ArtifactType: 'Original', MaxResults: 50 }));
    expect(res.ArtifactSummaries).toHaveLength(50);
    expect(res.NextToken).toBeUndefined();
  });

  it('defaults to pages of 10', async () => {
    const res = await sm.send(new ListArtifactsCommand({ ArtifactType: 'Original' }));
    expect(res.ArtifactSummaries).toHaveLength(10);
    expect(res.NextToken).toBeDefined();
  });

  it('refuses a NextToken reused with other filters, on another operation, or made up', async () => {
    const first = await sm.send(new ListArtifactsCommand({ ArtifactType: 'Original', MaxResults: 5 }));
    const otherFilter = await awsError(sm.send(new ListArtifactsCommand({ ArtifactType: 'Inserted', NextToken: first.NextToken })));
    expect(otherFilter.name).toBe('ValidationException');
    expect(otherFilter.message).toContain('NextToken');
    const otherOp = await awsError(sm.send(new ListActionsCommand({ NextToken: first.NextToken })));
    expect(otherOp.name).toBe('ValidationException');
    const madeUp = await awsError(sm.send(new ListArtifactsCommand({ NextToken: 'not-a-token' })));
    expect(madeUp.name).toBe('ValidationException');
    // Tokens that decode to JSON other than an object ("null", "7", "[]"): refused, not a 500.
    for (const json of ['null', '7', '[]', '"text"']) {
      const decoded = await awsError(sm.send(new ListArtifactsCommand({ NextToken: Buffer.from(json).toString('base64url') })));
      expect([decoded.name, decoded.status]).toEqual(['ValidationException', 400]);
    }
    // A different page size with the same filters is the same request.
    const resized = await sm.send(new ListArtifactsCommand({ ArtifactType: 'Original', MaxResults: 20, NextToken: first.NextToken }));
    expect(resized.ArtifactSummaries).toHaveLength(20);
  });

  it('pages actions by name and associations by source ARN without repeats', async () => {
    for (let i = 0; i < 12; i++) {
      await sm.send(new CreateActionCommand({ ActionName: `paged-${String(i).padStart(2, '0')}`, Source: { SourceUri: 'p' }, ActionType: 'Paged' }));
    }
    const names: string[] = [];
    let token: string | undefined;
    do {
      const res: ListActionsCommandOutput = await sm.send(new ListActionsCommand({ ActionType: 'Paged', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 5, NextToken: token }));
      names.push(...res.ActionSummaries!.map((a) => a.ActionName!));
      token = res.NextToken;
    } while (token);
    expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `paged-${String(i).padStart(2, '0')}`));

    const listed = await sm.send(new ListArtifactsCommand({ ArtifactType: 'Original', MaxResults: 11 }));
    const hub = listed.ArtifactSummaries![0]!.ArtifactArn!;
    for (const s of listed.ArtifactSummaries!.slice(1)) {
      await sm.send(new AddAssociationCommand({ SourceArn: s.ArtifactArn, DestinationArn: hub }));
    }
    const sources: string[] = [];
    token = undefined;
    do {
      const res: ListAssociationsCommandOutput = await sm.send(new ListAssociationsCommand({ DestinationArn: hub, SortBy: 'SourceArn', SortOrder: 'Ascending', MaxResults: 3, NextToken: token }));
      sources.push(...res.AssociationSummaries!.map((a) => a.SourceArn!));
      token = res.NextToken;
    } while (token);
    expect(sources).toHaveLength(10);
    expect(sources).toEqual([...sources].sort());
  });
});
