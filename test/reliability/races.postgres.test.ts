/**
 * Stemma replicas as separate `stemma serve` processes on one PostgreSQL database, as behind a
 * load balancer (DESIGN §8, §10): many clients, spread over the replicas, race on the same
 * source, name, pair and quota in every round. Each race must leave exactly one entity (one
 * success, SageMaker's 4xx for the rest), fill quotas exactly, give every model package a unique,
 * dense version, and never answer 5xx. (PostgreSQL only: an embedded data directory belongs to
 * one process.)
 */
import { rmSync } from 'node:fs';
import type {
  SageMakerClient} from '@aws-sdk/client-sagemaker';
import {
  AddAssociationCommand,
  AssociateTrialComponentCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  CreateExperimentCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
  DescribeModelPackageGroupCommand,
  ListActionsCommand,
  ListArtifactsCommand,
  ListAssociationsCommand,
  ListContextsCommand,
  ListModelPackagesCommand,
  ListTrialComponentsCommand
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from '../cli-process.js';
import { clientOf, spawnServe, waitForExit } from '../cli-process.js';
import { tempDir } from '../harness.js';
import type { TestDatabase } from '../postgres-databases.js';
import { freshDatabase } from '../postgres-databases.js';
import { iterations, printSummary, testTimeout } from './reliability-env.js';
import { listAll } from './write-load.js';

const REPLICAS = 3;
const CLIENTS_PER_REPLICA = 4;
const ROUNDS = iterations(2, 30);
/** Model packages each client registers per round, all into one group. */
const PACKAGES_PER_CLIENT = 3;
/** The action quota; the quota race runs in a region of its own each round, starting from zero. */
const ACTION_QUOTA = 10;

let db: TestDatabase;
const dirs: string[] = [];
let replicas: ServeProcess[] = [];

function clientsFor(region: string): SageMakerClient[] {
  return replicas.flatMap((r) =>
    Array.from(
      { length: CLIENTS_PER_REPLICA },
      () => clientOf(r.url, { region }),
    ),
  );
}

let clients: SageMakerClient[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  replicas = await Promise.all(
    Array.from({ length: REPLICAS }, () => {
      const data = tempDir();
      dirs.push(data);
      return spawnServe(['--db', db.url, '--data', data, '--quotas', `artifact=1000000,association=1000000,context=1000000,action=${ACTION_QUOTA}`]);
    }),
  );
  clients = clientsFor('us-east-1');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const r of replicas) {
    r.child.kill('SIGTERM');
    await waitForExit(r.child);
  }
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Outcome {
  readonly ok: boolean;
  readonly error?: string;
  readonly status?: number;
  readonly message?: string;
}

const totals = { requests: 0, serverErrors: 0, races: 0, packages: 0, duplicates: 0 };

/** Counts entities beyond the one a race may leave. */
function expectOne(items: readonly unknown[] | undefined): void {
  totals.duplicates += Math.max(0, (items?.length ?? 0) - 1);
  expect(items).toHaveLength(1);
}

/** Every client sends at once; returns what each got back. */
async function race(send: (client: SageMakerClient, i: number) => Promise<unknown>, among: SageMakerClient[] = clients): Promise<Outcome[]> {
  totals.races++;
  const outcomes = await Promise.all(
    among.map(async (client, i): Promise<Outcome> => {
      try {
        await send(client, i);
        return { ok: true };
      } catch (e) {
        const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
        return { ok: false, error: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
      }
    }),
  );
  totals.requests += outcomes.length;
  totals.serverErrors += outcomes.filter((o) => !o.ok && (o.status === undefined || o.status >= 500)).length;
  return outcomes;
}

function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.ok ? 'ok' : `${o.error} ${o.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('replicas as processes on one PostgreSQL database', { timeout: testTimeout() }, () => {
  const n = REPLICAS * CLIENTS_PER_REPLICA;
  const oneWinner = { ok: 1, 'ValidationException 400': n - 1 };

  it('leave exactly one entity per source, name and pair, round after round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const source = `s3://race/${round}/data.csv`;
      expect(tally(await race((c) => c.send(new CreateArtifactCommand({ Source: { SourceUri: source }, ArtifactType: 'DataSet' }))))).toEqual(oneWinner);
      expectOne((await clients[0]!.send(new ListArtifactsCommand({ SourceUri: source }))).ArtifactSummaries);

      const context = `race-endpoint-${round}`;
      const contexts = await race((c) => c.send(new CreateContextCommand({ ContextName: context, Source: { SourceUri: 'ep' }, ContextType: 'Endpoint' })));
      expect(tally(contexts)).toEqual(oneWinner);
      expect(contexts.find((o) => !o.ok)?.message).toContain('already exists');

      const a = await clients[0]!.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://race/${round}/a` }, ArtifactType: 'DataSet' }));
      const b = await clients[1]!.send(new CreateArtifactCommand({ Source: { SourceUri: `s3://race/${round}/b` }, ArtifactType: 'Model' }));
      expect(tally(await race((c) => c.send(new AddAssociationCommand({ SourceArn: a.ArtifactArn, DestinationArn: b.ArtifactArn }))))).toEqual(oneWinner);
      expectOne((await clients[2]!.send(new ListAssociationsCommand({ SourceArn: a.ArtifactArn }))).AssociationSummaries);

      const experiment = `race-experiment-${round}`;
      expect(tally(await race((c) => c.send(new CreateExperimentCommand({ ExperimentName: experiment }))))).toEqual(oneWinner);
      const trial = `race-trial-${round}`;
      expect(tally(await race((c) => c.send(new CreateTrialCommand({ TrialName: trial, ExperimentName: experiment }))))).toEqual(oneWinner);
      const component = `race-component-${round}`;
      expect(tally(await race((c) => c.send(new CreateTrialComponentCommand({ TrialComponentName: component }))))).toEqual(oneWinner);
      // Associating the same pair again is not an error in SageMaker; either way, one membership.
      const joins = await race((c) => c.send(new AssociateTrialComponentCommand({ TrialName: trial, TrialComponentName: component })));
      expect(joins.filter((o) => !o.ok && (o.status ?? 500) >= 500)).toEqual([]);
      expectOne((await clients[3]!.send(new ListTrialComponentsCommand({ TrialName: trial }))).TrialComponentSummaries);
    }
    const listed = await clients[0]!.send(new ListContextsCommand({ MaxResults: 100 }));
    expect(listed.ContextSummaries).toHaveLength(ROUNDS);
    expect(totals.serverErrors).toBe(0);
  });

  it('give model packages registered from every replica unique, dense versions', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const group = `race-group-${round}`;
      expect(tally(await race((c) => c.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }))))).toEqual({ ok: 1, 'ResourceInUse 400': n - 1 });
      const outcomes = await race(async (c) => {
        for (let p = 0; p < PACKAGES_PER_CLIENT; p++) {
          await c.send(
            new CreateModelPackageCommand({
              ModelPackageGroupName: group,
              InferenceSpecification: { Containers: [{ Image: 'stemma/model:latest' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
            }),
          );
        }
      });
      expect(outcomes.filter((o) => !o.ok).map((o) => `${o.error}: ${o.message}`).slice(0, 3)).toEqual([]);
      const packages = await listAll((t) =>
        clients[0]!.send(new ListModelPackagesCommand({ ModelPackageGroupName: group, MaxResults: 100, NextToken: t })).then((r) => ({ items: r.ModelPackageSummaryList, nextToken: r.NextToken })),
      );
      const versions = packages.map((p) => p.ModelPackageVersion!).sort((x, y) => x - y);
      expect(versions).toEqual(Array.from({ length: n * PACKAGES_PER_CLIENT }, (_, i) => i + 1));
      totals.packages += versions.length;
      // The group's version counter is Stemma's own; it stays off the wire.
      expect(Object.keys(await clients[1]!.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group })))).not.toContain('_lastVersion');
    }
    expect(totals.serverErrors).toBe(0);
  });

  it('fill a quota exactly, whichever replicas the requests land on', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      // A region of its own: quotas count per account and region, so this one starts at zero.
      const regional = clientsFor(`race-${round}`);
      try {
        const outcomes = await race((c, i) =>
          Promise.all([0, 1].map((k) => c.send(new CreateActionCommand({ ActionName: `quota-${i}-${k}`, Source: { SourceUri: 'u' }, ActionType: 't' })))),
        regional);
        // Each client sent two; count the actions that exist rather than the clients that won both.
        const listed = await regional[0]!.send(new ListActionsCommand({ MaxResults: 100 }));
        expect(listed.ActionSummaries).toHaveLength(ACTION_QUOTA);
        expect(outcomes.filter((o) => !o.ok && o.error !== 'ResourceLimitExceeded')).toEqual([]);
      } finally {
        for (const c of regional) c.destroy();
      }
    }
    expect(totals.serverErrors).toBe(0);
    printSummary('races', {
      replicas: REPLICAS,
      clients: REPLICAS * CLIENTS_PER_REPLICA,
      rounds: ROUNDS,
      races: totals.races,
      requests: totals.requests,
      modelPackages: totals.packages,
      '5xx': totals.serverErrors,
      duplicates: totals.duplicates,
    });
  });
});
