/**
 * Several Stemma servers on one PostgreSQL database, as replicas behind a load balancer: clients
 * racing through different replicas on the same source, name, pair or quota get exactly one
 * success each, SageMaker's error for the rest, and never a 500. (PostgreSQL only: an embedded
 * data directory belongs to one process.)
 */
import {
  AddAssociationCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  ListArtifactsCommand,
  ListContextsCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { startTestServer } from './harness.js';
import type { TestDatabase } from './postgres-databases.js';
import { freshDatabase } from './postgres-databases.js';

const REPLICAS = 3;
const CLIENTS_PER_REPLICA = 4;

let db: TestDatabase;
let servers: TestServer[] = [];
let clients: SageMakerClient[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  servers = await Promise.all(
    Array.from({ length: REPLICAS }, () => startTestServer({ db: db.url, quotas: { artifact: 6000, action: 3000, association: 6000, context: 12 } })),
  );
  clients = servers.flatMap((s) => Array.from({ length: CLIENTS_PER_REPLICA }, () => s.client()));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await db.drop();
});

interface Outcome {
  readonly ok: boolean;
  readonly error?: string;
  readonly status?: number;
  readonly message?: string;
}

/** Every client sends its request at once; returns what each got back. */
async function race(send: (client: SageMakerClient, i: number) => Promise<unknown>): Promise<Outcome[]> {
  return Promise.all(
    clients.map(async (client, i) => {
      try {
        await send(client, i);
        return { ok: true };
      } catch (e) {
        const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
        return { ok: false, error: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
      }
    }),
  );
}

function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.ok ? 'ok' : `${o.error} ${o.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('replicas on one PostgreSQL database', () => {
  const n = REPLICAS * CLIENTS_PER_REPLICA;

  it('create one artifact per source', async () => {
    const outcomes = await race((c) => c.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://race/data.csv' }, ArtifactType: 'DataSet' })));
    expect(tally(outcomes)).toEqual({ ok: 1, 'ValidationException 400': n - 1 });
    expect(outcomes.find((o) => !o.ok)?.message).toContain('already exists');
    const listed = await clients[0]!.send(new ListArtifactsCommand({ SourceUri: 's3://race/data.csv' }));
    expect(listed.ArtifactSummaries).toHaveLength(1);
  });

  it('create one context per name', async () => {
    const outcomes = await race((c) => c.send(new CreateContextCommand({ ContextName: 'race-endpoint', Source: { SourceUri: 'ep' }, ContextType: 'Endpoint' })));
    expect(tally(outcomes)).toEqual({ ok: 1, 'ValidationException 400': n - 1 });
  });

  it('create one association per pair', async () => {
    const a = await clients[0]!.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://race/a' }, ArtifactType: 'DataSet' }));
    const b = await clients[1]!.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://race/b' }, ArtifactType: 'Model' }));
    const outcomes = await race((c) => c.send(new AddAssociationCommand({ SourceArn: a.ArtifactArn, DestinationArn: b.ArtifactArn })));
    expect(tally(outcomes)).toEqual({ ok: 1, 'ValidationException 400': n - 1 });
  });

  it('fill a quota exactly, whichever replicas the requests land on', async () => {
    // One context exists already (race-endpoint); the quota is 12.
    const outcomes = await race((c, i) => c.send(new CreateContextCommand({ ContextName: `quota-${i}`, Source: { SourceUri: 'u' }, ContextType: 't' })));
    expect(tally(outcomes)).toEqual({ ok: 11, 'ResourceLimitExceeded 400': n - 11 });
    const listed = await clients[2]!.send(new ListContextsCommand({ MaxResults: 100 }));
    expect(listed.ContextSummaries).toHaveLength(12);
  });
});
