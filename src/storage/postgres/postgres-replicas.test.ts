/**
 * Two PostgresStores on one database, each with its own pool, stand for two Stemma replicas.
 * Many concurrent transactions race on the same ARNs, names, association pairs and quota; the
 * database alone must pick exactly one winner each and keep the quota exact.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test/postgres-databases.js';
import { freshDatabase } from '../../../test/postgres-databases.js';
import type { Scope } from '../../core/arn.js';
import { entity } from '../store.contract.js';
import type { SearchLeaf } from '../search-query.js';
import type { Store, StoreTx } from '../store.js';
import { UniqueViolation } from '../store.js';
import { PostgresStore } from './postgres-store.js';

const scope: Scope = { account: '111122223333', region: 'us-east-1' };
const user = { IamIdentity: { PrincipalId: 'tester' } };
const RACERS = 24;

let db: TestDatabase;
let replicas: [Store, Store];

beforeAll(async () => {
  db = await freshDatabase();
  replicas = [await PostgresStore.open({ url: db.url, poolSize: 8 }), await PostgresStore.open({ url: db.url, poolSize: 8 })];
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  await db.drop();
});

/** Runs `attempt(i)` RACERS times at once, alternating replicas; sorts outcomes into wins and UniqueViolations. */
async function race(attempt: (store: Store, i: number) => Promise<unknown>): Promise<{ wins: number; duplicates: number }> {
  const outcomes = await Promise.allSettled(Array.from({ length: RACERS }, (_, i) => attempt(replicas[i % 2] as Store, i)));
  const unexpected = outcomes.filter((o) => o.status === 'rejected' && !(o.reason instanceof UniqueViolation));
  expect(unexpected).toEqual([]);
  const wins = outcomes.filter((o) => o.status === 'fulfilled').length;
  return { wins, duplicates: outcomes.length - wins };
}

describe('two PostgreSQL replicas racing', () => {
  it('create one entity per ARN', async () => {
    const result = await race((store, i) =>
      store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:race:artifact', properties: { by: String(i) } }))),
    );
    expect(result).toEqual({ wins: 1, duplicates: RACERS - 1 });
  });

  it('create one context per name, even under different ARNs', async () => {
    const result = await race((store, i) =>
      store.transaction((tx) => tx.insertEntity(entity({ arn: `arn:race:context:${i}`, kind: 'context', name: 'race-ctx' }))),
    );
    expect(result).toEqual({ wins: 1, duplicates: RACERS - 1 });
  });

  it('create one association per ordered pair', async () => {
    const [a, b] = await replicas[0].transaction(async (tx) => [
      await tx.insertEntity(entity({ arn: 'arn:race:a' })),
      await tx.insertEntity(entity({ arn: 'arn:race:b' })),
    ]);
    const result = await race((store) =>
      store.transaction(async (tx) => {
        // As AddAssociation does: find both ends, then insert.
        const source = await tx.getEntityRef(a.arn);
        const destination = await tx.getEntityRef(b.arn);
        await tx.insertAssociation({
          sourceId: source!.id,
          destinationId: destination!.id,
          type: 'ContributedTo',
          scope,
          createdAt: 1,
          createdBy: user,
          automatic: false,
        });
      }),
    );
    expect(result).toEqual({ wins: 1, duplicates: RACERS - 1 });
    expect(await replicas[1].read((r) => r.countAssociationsOf(a.id))).toBe(1);
  });

  it('consume a quota exactly up to its limit, and no further', async () => {
    const limit = 50;
    const attempts = 4 * limit;
    const granted = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        (replicas[i % 2] as Store).transaction((tx) => tx.adjustQuotaUsage(scope, 'action', 1, limit)),
      ),
    );
    expect(granted.filter(Boolean)).toHaveLength(limit);
    expect(await replicas[0].read((r) => r.quotaUsage(scope, 'action'))).toBe(limit);
    // Releases racing with consumption still add up: every release counts, a consumption only if granted.
    const mixed = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (replicas[i % 2] as Store).transaction((tx) =>
          i % 2 === 0 ? tx.adjustQuotaUsage(scope, 'action', -1, null) : tx.adjustQuotaUsage(scope, 'action', 1, limit),
        ),
      ),
    );
    const grantedAfter = mixed.filter((ok, i) => i % 2 === 1 && ok).length;
    expect(await replicas[1].read((r) => r.quotaUsage(scope, 'action'))).toBe(limit - 20 + grantedAfter);
  });

  it('never lose a concurrent update of one entity, each re-reading what the other committed', async () => {
    const created = await replicas[0].transaction((tx) => tx.insertEntity(entity({ arn: 'arn:race:merge' })));
    await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        (replicas[i % 2] as Store).transaction(async (tx) => {
          // As Update* does: read the properties, merge one key in, write them back.
          const current = await tx.getEntityByArn(created.arn);
          await tx.updateEntity(created.id, { properties: { ...current!.properties, [`k${i}`]: 'v' }, modifiedAt: 2, modifiedBy: user });
        }),
      ),
    );
    const merged = await replicas[1].read((r) => r.getEntityByArn(created.arn));
    expect(Object.keys(merged!.properties)).toHaveLength(RACERS);
  });

  it('either delete an entity or associate it, never both', async () => {
    for (let round = 0; round < 10; round++) {
      const [target, other] = await replicas[0].transaction(async (tx) => [
        await tx.insertEntity(entity({ arn: `arn:race:target${round}` })),
        await tx.insertEntity(entity({ arn: `arn:race:other${round}` })),
      ]);
      const [deleted, associated] = await Promise.all([
        replicas[0].transaction(async (tx) => {
          // As Delete* does: lock the entity, refuse while associations remain, delete.
          const e = await tx.getEntityByArn(target.arn);
          if (!e || (await tx.countAssociationsOf(e.id)) > 0) return false;
          await tx.deleteEntity(e.id);
          return true;
        }),
        replicas[1].transaction(async (tx) => {
          const source = await tx.getEntityRef(other.arn);
          const destination = await tx.getEntityRef(target.arn);
          if (!source || !destination) return false;
          await tx.insertAssociation({ sourceId: source.id, destinationId: destination.id, type: null, scope, createdAt: 1, createdBy: user, automatic: false });
          return true;
        }),
      ]);
      expect(deleted !== associated).toBe(true);
    }
  });

  it('run a transaction again when a deadlock aborted it', async () => {
    const [a, b] = await replicas[0].transaction(async (tx) => [
      await tx.insertEntity(entity({ arn: 'arn:race:lock-a' })),
      await tx.insertEntity(entity({ arn: 'arn:race:lock-b' })),
    ]);
    // Each takes its first entity, waits until the other has too, then takes the other's: PostgreSQL
    // detects the deadlock and aborts one (rarely both), which runs again (the barrier is open by
    // then) and succeeds.
    let arrived = 0;
    let open: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (open = resolve));
    const attempts = [0, 0];
    const lockBoth = (store: Store, n: 0 | 1, first: string, second: string): Promise<void> =>
      store.transaction(async (tx) => {
        attempts[n]!++;
        await tx.getEntityByArn(first);
        if (++arrived === 2) open();
        await barrier;
        await tx.getEntityByArn(second);
      });
    await Promise.all([lockBoth(replicas[0], 0, a.arn, b.arn), lockBoth(replicas[1], 1, b.arn, a.arn)]);
    expect(attempts[0]! + attempts[1]!).toBeGreaterThanOrEqual(3);
  });

  // ---- Experiments, trials, trial components and Search ----

  /** As requireEntity does in a write transaction: the row, locked until commit. */
  const lockNamed = (tx: StoreTx, kind: 'experiment' | 'experiment-trial' | 'experiment-trial-component', name: string) =>
    tx.getEntityByName(scope, kind, name);

  const named = (kind: 'experiment' | 'experiment-trial' | 'experiment-trial-component', name: string) =>
    entity({ arn: `arn:race:${kind}/${name}`, kind, name, type: null, sourceUri: null });

  it('either delete a trial or add a trial component to it, never both', async () => {
    for (let round = 0; round < 10; round++) {
      const [trial, component] = await replicas[0].transaction(async (tx) => {
        const e = await tx.insertEntity(named('experiment', `e-del-${round}`));
        const t = await tx.insertEntity(named('experiment-trial', `t-del-${round}`));
        await tx.linkTrialToExperiment(t.id, e.id);
        return [t, await tx.insertEntity(named('experiment-trial-component', `c-del-${round}`))];
      });
      const [deleted, associated] = await Promise.all([
        replicas[0].transaction(async (tx) => {
          // As DeleteTrial does: lock the trial, refuse while it has components, delete.
          const t = await lockNamed(tx, 'experiment-trial', trial.name!);
          if (!t || (await tx.countComponentsOfTrial(t.id)) > 0) return false;
          await tx.deleteEntity(t.id);
          await tx.unlinkTrial(t.id);
          return true;
        }),
        replicas[1].transaction(async (tx) => {
          // As AssociateTrialComponent does: lock the component, then the trial, then add.
          const c = await lockNamed(tx, 'experiment-trial-component', component.name!);
          const t = await lockNamed(tx, 'experiment-trial', trial.name!);
          if (!c || !t) return false;
          return tx.addTrialMember(t.id, c.id, 1);
        }),
      ]);
      expect(deleted !== associated).toBe(true);
      expect(await replicas[1].read((r) => r.countTrialsOfComponent(component.id))).toBe(associated ? 1 : 0);
    }
  });

  it('either delete an experiment or create a trial in it, never both', async () => {
    for (let round = 0; round < 10; round++) {
      const experiment = await replicas[0].transaction((tx) => tx.insertEntity(named('experiment', `e-trial-${round}`)));
      const [deleted, created] = await Promise.all([
        replicas[0].transaction(async (tx) => {
          const e = await lockNamed(tx, 'experiment', experiment.name!);
          if (!e || (await tx.countTrialsOfExperiment(e.id)) > 0) return false;
          await tx.deleteEntity(e.id);
          return true;
        }),
        replicas[1].transaction(async (tx) => {
          // As CreateTrial does: lock the experiment, create the trial, link it.
          const e = await lockNamed(tx, 'experiment', experiment.name!);
          if (!e) return false;
          const t = await tx.insertEntity(named('experiment-trial', `t-in-${round}`));
          await tx.linkTrialToExperiment(t.id, e.id);
          return true;
        }),
      ]);
      expect(deleted !== created).toBe(true);
    }
  });

  it('add a trial component to a trial once, whichever replica asks', async () => {
    const [trial, component] = await replicas[0].transaction(async (tx) => [
      await tx.insertEntity(named('experiment-trial', 't-pair')),
      await tx.insertEntity(named('experiment-trial-component', 'c-pair')),
    ]);
    const added = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        // No entity locks: the membership's primary key alone must pick one winner.
        (replicas[i % 2] as Store).transaction((tx) => tx.addTrialMember(trial.id, component.id, i)),
      ),
    );
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(await replicas[0].read((r) => r.countComponentsOfTrial(trial.id))).toBe(1);
  });

  it('fold every metric sample that replicas record at once', async () => {
    const component = await replicas[0].transaction((tx) => tx.insertEntity(named('experiment-trial-component', 'c-metrics')));
    await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        (replicas[i % 2] as Store).transaction((tx) =>
          tx.recordTrialComponentMetrics(component.id, [{ name: 'loss', value: i, timestamp: 1000 + i }]),
        ),
      ),
    );
    const [loss] = await replicas[1].read((r) => r.listTrialComponentMetrics(component.id));
    expect(loss).toMatchObject({ count: RACERS, min: 0, max: RACERS - 1, last: RACERS - 1, avg: (RACERS - 1) / 2 });
  });

  it("keep a search space's document count exact while replicas create, replace and delete documents", async () => {
    const leaves = (n: number): SearchLeaf[] => [{ path: 'Name', elem: 0, num: null, str: `doc-${n}` }];
    const put = (store: Store, arn: string, n: number) =>
      store.transaction((tx) => tx.putSearchDocument({ arn, scope, resource: 'RaceSpace', record: { n }, leaves: leaves(n) }));
    // The space's first documents, from both replicas at once; then the same ARNs written again,
    // and some deleted twice over, from both replicas at once (no entity locks: the projection's own
    // statements must keep the count).
    await Promise.all(Array.from({ length: RACERS }, (_, i) => put(replicas[i % 2] as Store, `arn:race:doc/${i % 8}`, i)));
    await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        i % 3 === 0
          ? (replicas[i % 2] as Store).transaction((tx) => tx.deleteSearchDocument(`arn:race:doc/${i % 4}`))
          : put(replicas[i % 2] as Store, `arn:race:doc/${(i % 8) + 4}`, i),
      ),
    );
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ spaces: string; documents: string; actual: string }>(
        `SELECT count(*) AS spaces, sum(s.documents) AS documents,
                sum((SELECT count(*) FROM search_documents d WHERE d.space = s.id)) AS actual
         FROM search_spaces s WHERE s.resource = 'RaceSpace'`,
      );
      expect(rows[0]).toMatchObject({ spaces: '1' });
      expect(Number(rows[0]?.documents)).toBe(Number(rows[0]?.actual));
    } finally {
      await client.end();
    }
    const hits = await replicas[0].read((r) =>
      r.search({ scope, resource: 'RaceSpace', condition: { kind: 'all', terms: [] }, sort: { path: 'Name', type: 'str', ascending: true }, limit: 100 }),
    );
    expect(new Set(hits.map((h) => h.arn)).size).toBe(hits.length);
  });
});
