/**
 * The behaviour every Store backend must have, written once. Each backend's test file calls
 * `describeStoreContract` with a factory for fresh, empty stores.
 */
import { describe, expect, it } from 'vitest';
import type { Scope } from '../core/arn.js';
import type { NewEntity } from '../core/model.js';
import type { Store } from './store.js';
import { UniqueViolation } from './store.js';

const scope: Scope = { account: '111122223333', region: 'us-east-1' };
const user = { IamIdentity: { PrincipalId: 'tester' } };

export function entity(overrides: Partial<NewEntity> & { arn: string }): NewEntity {
  return {
    account: scope.account,
    region: scope.region,
    kind: 'artifact',
    name: null,
    type: 'DataSet',
    sourceUri: overrides.arn,
    status: null,
    description: null,
    properties: {},
    attrs: {},
    createdAt: 1_000,
    createdBy: user,
    modifiedAt: 1_000,
    modifiedBy: user,
    automatic: false,
    ...overrides,
  };
}

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
    const store = await makeStore();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  describe(`${name} store contract`, () => {
    it('round-trips an entity with every field', () =>
      withStore(async (store) => {
        const e = entity({
          arn: 'arn:x:1',
          name: 'n',
          properties: { a: 'b' },
          attrs: { Source: { SourceUri: 'u' } },
          automatic: true,
        });
        const created = await store.transaction((tx) => tx.insertEntity(e));
        expect(created.id).toBeGreaterThan(0);
        const read = await store.read((r) => r.getEntityByArn('arn:x:1'));
        expect(read).toEqual({ ...e, id: created.id });
      }));

    it('enforces unique ARNs, and unique names per account, region and kind except for artifacts', () =>
      withStore(async (store) => {
        await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:a' })));
        await expect(store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:a' })))).rejects.toBeInstanceOf(UniqueViolation);
        await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:c1', kind: 'context', name: 'same' })));
        await expect(
          store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:c2', kind: 'context', name: 'same' }))),
        ).rejects.toBeInstanceOf(UniqueViolation);
        await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:act', kind: 'action', name: 'same' })));
        await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:c3', kind: 'context', name: 'same', region: 'eu-west-1' })));
        await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:art1', name: 'foo' })));
        await store.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:art2', name: 'foo' })));
      }));

    it('rolls back everything a failed transaction wrote', () =>
      withStore(async (store) => {
        await expect(
          store.transaction(async (tx) => {
            await tx.insertEntity(entity({ arn: 'arn:rolled-back' }));
            await tx.putTags('arn:rolled-back', [{ Key: 'k', Value: 'v' }]);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.read((r) => r.getEntityByArn('arn:rolled-back'))).toBeUndefined();
        expect(await store.read((r) => r.countTags('arn:rolled-back'))).toBe(0);
      }));

    it('keeps one association per ordered pair and counts an entity\'s associations', () =>
      withStore(async (store) => {
        const [a, b] = await store.transaction(async (tx) => [
          await tx.insertEntity(entity({ arn: 'arn:a' })),
          await tx.insertEntity(entity({ arn: 'arn:b', type: 'Model' })),
        ]);
        const assoc = { sourceId: a.id, destinationId: b.id, type: 'ContributedTo' as const, scope, createdAt: 5, createdBy: user, automatic: false };
        await store.transaction((tx) => tx.insertAssociation(assoc));
        await expect(store.transaction((tx) => tx.insertAssociation({ ...assoc, type: 'Produced' }))).rejects.toBeInstanceOf(UniqueViolation);
        await store.transaction((tx) => tx.insertAssociation({ ...assoc, sourceId: b.id, destinationId: a.id }));
        expect(await store.read((r) => r.countAssociationsOf(a.id))).toBe(2);
        const got = await store.read((r) => r.getAssociation(a.id, b.id));
        expect(got).toMatchObject({ sourceArn: 'arn:a', destinationArn: 'arn:b', sourceType: 'DataSet', destinationType: 'Model', type: 'ContributedTo' });
        expect(await store.transaction((tx) => tx.deleteAssociation(a.id, b.id))).toBe(true);
        expect(await store.transaction((tx) => tx.deleteAssociation(a.id, b.id))).toBe(false);
      }));

    it('lists entities in keyset pages that neither skip nor repeat rows with equal sort values', () =>
      withStore(async (store) => {
        await store.transaction(async (tx) => {
          for (let i = 0; i < 25; i++) await tx.insertEntity(entity({ arn: `arn:l${i}`, createdAt: 100 + Math.floor(i / 5) }));
        });
        for (const ascending of [true, false]) {
          const seen: string[] = [];
          let after: { value: number; id: number } | undefined;
          for (;;) {
            const rows = await store.read((r) =>
              r.listEntities({ scope, kind: 'artifact', sortBy: 'CreationTime', ascending, after, limit: 4 }),
            );
            if (rows.length === 0) break;
            seen.push(...rows.map((x) => x.arn));
            const last = rows[rows.length - 1]!;
            after = { value: last.createdAt, id: last.id };
          }
          expect(seen).toHaveLength(25);
          expect(new Set(seen).size).toBe(25);
        }
      }));

    it('searches lineage entities by ARN, name prefix or source URI prefix, byte-wise, within the scope', () =>
      withStore(async (store) => {
        await store.transaction(async (tx) => {
          await tx.insertEntity(entity({ arn: 'arn:s:artifact/1', sourceUri: 's3://bucket/train.csv' }));
          await tx.insertEntity(entity({ arn: 'arn:s:artifact/2', sourceUri: 's3://bucket/test.csv' }));
          await tx.insertEntity(entity({ arn: 'arn:s:artifact/3', sourceUri: 'S3://BUCKET/upper.csv' }));
          await tx.insertEntity(entity({ arn: 'arn:s:context/prod-endpoint', kind: 'context', name: 'prod-endpoint', type: 'Endpoint', sourceUri: 'ep' }));
          await tx.insertEntity(entity({ arn: 'arn:s:action/prod-deploy', kind: 'action', name: 'prod-deploy', type: 'ModelDeployment', sourceUri: null }));
          await tx.insertEntity(entity({ arn: 'arn:s:experiment/prod-exp', kind: 'experiment', name: 'prod-exp', type: null, sourceUri: null }));
          await tx.insertEntity(entity({ arn: 'arn:s:context/prod-other', kind: 'context', name: 'prod-other', account: '999988887777' }));
          await tx.insertEntity(entity({ arn: 'arn:s:artifact/\u00e9t\u00e9', sourceUri: 's3://bucket/\u00e9t\u00e9' }));
        });
        const search = (text: string, limit = 10) => store.read((r) => r.searchEntities({ scope, text, limit })).then((rows) => rows.map((e) => e.arn));
        expect(await search('s3://bucket/t')).toEqual(['arn:s:artifact/2', 'arn:s:artifact/1']);
        // Names, in name order; experiments are no lineage vertices and other accounts stay hidden.
        expect(await search('prod')).toEqual(['arn:s:action/prod-deploy', 'arn:s:context/prod-endpoint']);
        // An exact ARN comes first, then what starts with it.
        expect(await search('arn:s:artifact/1')).toEqual(['arn:s:artifact/1']);
        expect(await search('arn:s:artifact/', 2)).toEqual(['arn:s:artifact/2', 'arn:s:artifact/1']);
        expect(await search('s3://bucket/\u00e9')).toEqual(['arn:s:artifact/\u00e9t\u00e9']);
        expect(await search('s3://BUCKET')).toEqual([]);
        expect(await search('nothing')).toEqual([]);
        expect(await search('')).toEqual([]);
      }));

    it('upserts and removes tags, listing them by key', () =>
      withStore(async (store) => {
        await store.transaction((tx) => tx.putTags('arn:t', [{ Key: 'b', Value: '1' }, { Key: 'a', Value: '2' }]));
        await store.transaction((tx) => tx.putTags('arn:t', [{ Key: 'b', Value: '3' }]));
        expect(await store.read((r) => r.listTags({ resourceArn: 'arn:t', limit: 10 }))).toEqual([
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' },
        ]);
        expect(await store.read((r) => r.listTags({ resourceArn: 'arn:t', afterKey: 'a', limit: 10 }))).toEqual([{ Key: 'b', Value: '3' }]);
        await store.transaction((tx) => tx.removeTags('arn:t', ['a']));
        expect(await store.read((r) => r.countTags('arn:t'))).toBe(1);
      }));

    it('counts quota usage exactly and refuses past the limit', () =>
      withStore(async (store) => {
        const results: boolean[] = [];
        for (let i = 0; i < 5; i++) results.push(await store.transaction((tx) => tx.adjustQuotaUsage(scope, 'context', 1, 3)));
        expect(results).toEqual([true, true, true, false, false]);
        expect(await store.read((r) => r.quotaUsage(scope, 'context'))).toBe(3);
        await store.transaction((tx) => tx.adjustQuotaUsage(scope, 'context', -1, null));
        expect(await store.read((r) => r.quotaUsage(scope, 'context'))).toBe(2);
      }));

    it('creates a lineage group once', () =>
      withStore(async (store) => {
        await store.transaction((tx) => tx.ensureLineageGroup(scope, 'g', 10, user));
        await store.transaction((tx) => tx.ensureLineageGroup(scope, 'g', 20, user));
        const groups = await store.read((r) => r.listLineageGroups(scope));
        expect(groups).toHaveLength(1);
        expect(groups[0]).toMatchObject({ name: 'g', createdAt: 10, arn: 'arn:aws:sagemaker:us-east-1:111122223333:lineage-group/g' });
      }));

    it('reads the lineage graph a batch at a time: ids of ARNs, hops either way, vertices, properties', () =>
      withStore(async (store) => {
        const [a, b, c] = await store.transaction(async (tx) => {
          const rows = [
            await tx.insertEntity(entity({ arn: 'arn:g:a', properties: { stage: 'prod' }, createdAt: 5, modifiedAt: 7 })),
            await tx.insertEntity(entity({ arn: 'arn:g:b', kind: 'experiment-trial-component', type: 'SageMakerTrainingJob' })),
            await tx.insertEntity(entity({ arn: 'arn:g:c', kind: 'context', type: null })),
          ];
          const link = (s: number, d: number, type: 'Produced' | null): Promise<void> =>
            tx.insertAssociation({ sourceId: s, destinationId: d, type, scope, createdAt: 1, createdBy: user, automatic: true });
          const [x, y, z] = rows.map((r) => r.id) as [number, number, number];
          await link(x, y, 'Produced');
          await link(y, z, null);
          await link(z, z, null);
          return [x, y, z];
        });
        await store.read(async (r) => {
          for (const graph of [r, r.lineageGraph()]) {
            expect([...(await graph.lineageIdsOf(['arn:g:a', 'arn:g:c', 'arn:g:none'])).entries()].sort()).toEqual([
              ['arn:g:a', a],
              ['arn:g:c', c],
            ]);
            const hops = (ids: number[], d: 'out' | 'in'): Promise<string[]> =>
              Promise.resolve(graph.lineageHops(ids, d)).then((hs) => hs.map((h) => `${h.sourceId}>${h.destinationId}:${h.type}`).sort());
            expect(await hops([a, b], 'out')).toEqual([`${a}>${b}:Produced`, `${b}>${c}:null`].sort());
            expect(await hops([c], 'in')).toEqual([`${b}>${c}:null`, `${c}>${c}:null`].sort());
            expect(await hops([c], 'out')).toEqual([`${c}>${c}:null`]);
            const vertices = [...(await graph.lineageVertices([b, a, 9_999_999]))].sort((p, q) => p.id - q.id);
            expect(vertices).toEqual([
              { id: a, arn: 'arn:g:a', kind: 'artifact', type: 'DataSet', account: scope.account, region: scope.region, createdAt: 5, modifiedAt: 7 },
              { id: b, arn: 'arn:g:b', kind: 'experiment-trial-component', type: 'SageMakerTrainingJob', account: scope.account, region: scope.region, createdAt: 1_000, modifiedAt: 1_000 },
            ].sort((p, q) => p.id - q.id));
            expect((await graph.lineageProperties([a, c])).get(a)).toEqual({ stage: 'prod' });
          }
        });
      }));

    it('runs concurrent transactions one after another, never interleaved', () =>
      withStore(async (store) => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.transaction(async (tx) => {
              const used = await tx.quotaUsage(scope, 'artifact');
              await new Promise((r) => setTimeout(r, 1));
              await tx.adjustQuotaUsage(scope, 'artifact', 1, null);
              await tx.insertEntity(entity({ arn: `arn:c${i}`, properties: { seen: String(used) } }));
            }),
          ),
        );
        expect(await store.read((r) => r.quotaUsage(scope, 'artifact'))).toBe(20);
      }));
  });
}
