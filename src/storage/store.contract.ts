/**
 * The behaviour every Store backend must have, written once. Each backend's test file calls
 * `describeStoreContract` with a factory for fresh, empty stores.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scope } from '../core/arn.js';
import type { NewEntity, NewResource } from '../core/model.js';
import type { Condition, Predicate, SearchLeaf, SearchSort, ValueTest } from './search-query.js';
import { referenceSearch } from './search-query.js';
import type { ResourceListQuery, Store } from './store.js';
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
        await store.transaction((tx) => tx.insertAssociation({ ...assoc, sourceId: b.id, destinationId: a.id, scope: { ...scope, account: '999999999999' } }));
        expect(await store.read((r) => r.countAssociationsOf(a.id))).toBe(2);
        expect(await store.read((r) => r.associationAccountsOf(a.id))).toEqual(new Map([[scope.account, 1], ['999999999999', 1]]));
        const got = await store.read((r) => r.getAssociation(a.id, b.id));
        expect(got).toMatchObject({ sourceArn: 'arn:a', destinationArn: 'arn:b', sourceType: 'DataSet', destinationType: 'Model', type: 'ContributedTo' });
        expect(await store.transaction((tx) => tx.deleteAssociation(a.id, b.id))).toBe(true);
        expect(await store.transaction((tx) => tx.deleteAssociation(a.id, b.id))).toBe(false);
      }));

    it('deletes only the automatic associations of one type from or to an entity', () =>
      withStore(async (store) => {
        const [a, b, c, d] = await store.transaction(async (tx) => [
          await tx.insertEntity(entity({ arn: 'arn:twin-a' })),
          await tx.insertEntity(entity({ arn: 'arn:twin-b' })),
          await tx.insertEntity(entity({ arn: 'arn:twin-c' })),
          await tx.insertEntity(entity({ arn: 'arn:twin-d' })),
        ]);
        const link = (sourceId: number, destinationId: number, type: 'SameAs' | 'DerivedFrom', automatic: boolean) => ({
          sourceId, destinationId, type, scope, createdAt: 1, createdBy: user, automatic,
        });
        await store.transaction(async (tx) => {
          await tx.insertAssociation(link(a.id, b.id, 'SameAs', true));
          await tx.insertAssociation(link(b.id, a.id, 'SameAs', true));
          await tx.insertAssociation(link(a.id, c.id, 'SameAs', false));
          await tx.insertAssociation(link(d.id, a.id, 'DerivedFrom', true));
          await tx.insertAssociation(link(b.id, c.id, 'SameAs', true));
        });
        expect(await store.transaction((tx) => tx.deleteAutomaticAssociationsOf(a.id, 'SameAs'))).toBe(2);
        const left = await store.read(async (r) => ({
          ab: await r.getAssociation(a.id, b.id),
          ba: await r.getAssociation(b.id, a.id),
          ac: await r.getAssociation(a.id, c.id),
          da: await r.getAssociation(d.id, a.id),
          bc: await r.getAssociation(b.id, c.id),
        }));
        expect(left.ab).toBeUndefined();
        expect(left.ba).toBeUndefined();
        expect(left.ac).toBeDefined();
        expect(left.da).toBeDefined();
        expect(left.bc).toBeDefined();
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

    it('records lineage-group grants once per owner and grantee, lists those made by and to an account, revokes them', () =>
      withStore(async (store) => {
        const grant = (owner: string, grantee: string, at: number, region = 'us-east-1') =>
          store.transaction((tx) =>
            tx.grantLineageShare({ ownerAccount: owner, region, granteeAccount: grantee, grantedAt: at, grantedBy: user }),
          );
        expect(await grant('111111111111', '222222222222', 10)).toBe(true);
        expect(await grant('111111111111', '222222222222', 20)).toBe(false);
        expect(await grant('333333333333', '111111111111', 30)).toBe(true);
        expect(await grant('222222222222', '333333333333', 40)).toBe(true);
        expect(await grant('111111111111', '222222222222', 50, 'eu-west-1')).toBe(true);
        const of1 = await store.read((r) => r.listLineageShares({ account: '111111111111', region: 'us-east-1' }));
        expect(of1.map((s) => [s.ownerAccount, s.granteeAccount, s.grantedAt])).toEqual([
          ['111111111111', '222222222222', 10],
          ['333333333333', '111111111111', 30],
        ]);
        expect(of1[0]?.grantedBy).toEqual(user);
        const other = { account: '111111111111', region: 'us-east-1' };
        expect(await store.transaction((tx) => tx.revokeLineageShare(other, '222222222222'))).toBe(true);
        expect(await store.transaction((tx) => tx.revokeLineageShare(other, '222222222222'))).toBe(false);
        const after = await store.read((r) => r.listLineageShares(other));
        expect(after.map((s) => s.ownerAccount)).toEqual(['333333333333']);
        expect(await store.read((r) => r.listLineageShares({ account: '111111111111', region: 'eu-west-1' }))).toHaveLength(1);
      }));

    it('pairs artifacts with the same id across two accounts of a region', () =>
      withStore(async (store) => {
        const arnOf = (account: string, id: string, region = 'us-east-1') => `arn:aws:sagemaker:${region}:${account}:artifact/${id}`;
        await store.transaction(async (tx) => {
          for (const [account, id, region] of [
            ['111111111111', 'a1', 'us-east-1'],
            ['111111111111', 'b2', 'us-east-1'],
            ['222222222222', 'a1', 'us-east-1'],
            ['222222222222', 'c3', 'us-east-1'],
            ['222222222222', 'b2', 'eu-west-1'],
          ] as const) {
            await tx.insertEntity(entity({ arn: arnOf(account, id, region), account, region }));
          }
          await tx.insertEntity(entity({ arn: 'arn:aws:sagemaker:us-east-1:222222222222:action/b2', account: '222222222222', kind: 'action', name: 'b2' }));
        });
        const twins = await store.read((r) => r.artifactTwins('us-east-1', '111111111111', '222222222222'));
        expect(twins.map((t) => [t.a.arn, t.b.arn])).toEqual([[arnOf('111111111111', 'a1'), arnOf('222222222222', 'a1')]]);
        expect(twins[0]?.b).toMatchObject({ account: '222222222222', region: 'us-east-1', kind: 'artifact' });
        const back = await store.read((r) => r.artifactTwins('us-east-1', '222222222222', '111111111111'));
        expect(back.map((t) => [t.a.arn, t.b.arn])).toEqual([[arnOf('222222222222', 'a1'), arnOf('111111111111', 'a1')]]);
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

    it('undoes a failed transaction alone among many started together, and keeps every other one', () =>
      withStore(async (store) => {
        // Twelve at once span several group commits on SQLite; the seventh fails after writing.
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) =>
            store.transaction(async (tx) => {
              await tx.adjustQuotaUsage(scope, 'artifact', 1, null);
              await tx.insertEntity(entity({ arn: `arn:g${i}` }));
              if (i === 6) throw new Error('the seventh fails');
            }),
          ),
        );
        expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i === 6 ? 'rejected' : 'fulfilled')));
        const kept = await store.read(async (r) => Promise.all(Array.from({ length: 12 }, (_, i) => r.getEntityByArn(`arn:g${i}`))));
        expect(kept.map((e) => e !== undefined)).toEqual(Array.from({ length: 12 }, (_, i) => i !== 6));
        expect(await store.read((r) => r.quotaUsage(scope, 'artifact'))).toBe(11);
      }));
  });
  // ---- Experiments, trials, trial components and Search ----

  describe(`${name} store contract: SageMaker resources`, () => {
    const resource = (name: string, overrides: Partial<NewResource> = {}): NewResource => ({
      account: scope.account,
      region: scope.region,
      kind: 'training-job',
      name,
      arn: `arn:aws:sagemaker:us-east-1:${scope.account}:training-job/${name}`,
      status: 'InProgress',
      createdAt: 1_000,
      modifiedAt: 1_000,
      doc: { TrainingJobName: name, Nested: { list: [1, 'two'] } },
      ...overrides,
    });

    it('round-trips a resource, updates its status and doc, and deletes it', () =>
      withStore(async (store) => {
        const created = await store.transaction((tx) => tx.insertResource(resource('job-a')));
        expect(await store.read((r) => r.getResource(scope, 'training-job', 'job-a'))).toEqual(created);
        expect(await store.read((r) => r.getResourceByArn(created.arn))).toEqual(created);
        await store.transaction((tx) => tx.updateResource(created.id, { status: 'Completed', doc: { done: true }, modifiedAt: 2_000 }));
        expect(await store.read((r) => r.getResourceByArn(created.arn))).toEqual({
          ...created,
          status: 'Completed',
          doc: { done: true },
          modifiedAt: 2_000,
        });
        await store.transaction((tx) => tx.updateResource(created.id, { modifiedAt: 3_000 }));
        expect(await store.read((r) => r.getResourceByArn(created.arn))).toMatchObject({ status: 'Completed', doc: { done: true } });
        await store.transaction((tx) => tx.deleteResource(created.id));
        expect(await store.read((r) => r.getResourceByArn(created.arn))).toBeUndefined();
      }));

    it('keeps names unique per account, region and kind, and ARNs unique', () =>
      withStore(async (store) => {
        await store.transaction((tx) => tx.insertResource(resource('same')));
        await expect(
          store.transaction((tx) => tx.insertResource(resource('same', { arn: 'arn:other' }))),
        ).rejects.toBeInstanceOf(UniqueViolation);
        await expect(
          store.transaction((tx) => tx.insertResource(resource('other', { arn: resource('same').arn }))),
        ).rejects.toBeInstanceOf(UniqueViolation);
        await store.transaction((tx) => tx.insertResource(resource('same', { kind: 'processing-job', arn: 'arn:p' })));
        await store.transaction((tx) => tx.insertResource(resource('same', { region: 'eu-west-1', arn: 'arn:eu' })));
      }));

    it('lists by kind with name, prefix, status and time filters in keyset pages', () =>
      withStore(async (store) => {
        await store.transaction(async (tx) => {
          for (let i = 0; i < 7; i++) {
            await tx.insertResource(resource(`Job_${i}`, { createdAt: 1_000 + (i % 3), status: i % 2 === 0 ? 'Completed' : 'Failed' }));
          }
          await tx.insertResource(resource('group/1', { kind: 'model-package' }));
          await tx.insertResource(resource('group/2', { kind: 'model-package' }));
          await tx.insertResource(resource('groupx/1', { kind: 'model-package' }));
        });
        const base = { scope, kind: 'training-job', sortBy: 'CreationTime' as const, ascending: true };
        const seen: string[] = [];
        let after: { value: string | number; id: number } | undefined;
        for (;;) {
          const page = await store.read((r) => r.listResources({ ...base, after, limit: 2 }));
          seen.push(...page.map((p) => p.name));
          const last = page[page.length - 1];
          if (page.length < 2 || !last) break;
          after = { value: last.createdAt, id: last.id };
        }
        expect(seen).toEqual(['Job_0', 'Job_3', 'Job_6', 'Job_1', 'Job_4', 'Job_2', 'Job_5']);
        const names = async (q: Partial<ResourceListQuery>): Promise<string[]> =>
          (await store.read((r) => r.listResources({ ...base, limit: 100, ...q }))).map((p) => p.name);
        expect(await names({ nameContains: 'JOB_1' })).toEqual(['Job_1']);
        expect(await names({ nameContains: '_' })).toHaveLength(7);
        expect(await names({ nameContains: '%' })).toEqual([]);
        expect(await names({ status: 'Failed', sortBy: 'Name', ascending: false })).toEqual(['Job_5', 'Job_3', 'Job_1']);
        expect(await names({ createdAfter: 1_002 })).toEqual(['Job_2', 'Job_5']);
        expect(await names({ kind: 'model-package', namePrefix: 'group/' })).toEqual(['group/1', 'group/2']);
        expect(await names({ kind: 'model-package', versioned: true, nameContains: 'X' })).toEqual(['groupx/1']);
        expect(await names({ versioned: false, nameContains: 'job_6' })).toEqual(['Job_6']);
        expect(await names({ versioned: true })).toEqual([]);
        const byStatus = await names({ sortBy: 'Status' });
        expect(byStatus.slice(0, 4)).toEqual(['Job_0', 'Job_2', 'Job_4', 'Job_6']);
      }));

    it('finds the resources left in a status in every account (what a restart recovers)', () =>
      withStore(async (store) => {
        await store.transaction(async (tx) => {
          await tx.insertResource(resource('running'));
          await tx.insertResource(resource('stopping', { status: 'Stopping' }));
          await tx.insertResource(resource('done', { status: 'Completed' }));
          await tx.insertResource(resource('elsewhere', { account: '444455556666', arn: 'arn:elsewhere' }));
          await tx.insertResource(resource('endpoint', { kind: 'endpoint', status: 'InProgress', arn: 'arn:ep' }));
        });
        const found = await store.read((r) => r.listResourcesInStatus(['training-job', 'processing-job'], ['InProgress', 'Stopping']));
        expect(found.map((f) => f.name)).toEqual(['running', 'stopping', 'elsewhere']);
      }));
  });

  describe(`${name} store contract: experiments and search`, () => {
    it('keeps trial membership many-to-many and lists by experiment, trial and component', () =>
      withStore(async (store) => {
        const [exp, t1, t2, c1, c2] = await store.transaction(async (tx) => [
          await tx.insertEntity(entity({ arn: 'arn:e', kind: 'experiment', name: 'e', type: null, sourceUri: null })),
          await tx.insertEntity(entity({ arn: 'arn:t1', kind: 'experiment-trial', name: 't1', type: null, sourceUri: null })),
          await tx.insertEntity(entity({ arn: 'arn:t2', kind: 'experiment-trial', name: 't2', type: null, sourceUri: null })),
          await tx.insertEntity(entity({ arn: 'arn:c1', kind: 'experiment-trial-component', name: 'c1', type: null, sourceUri: 'job-1' })),
          await tx.insertEntity(entity({ arn: 'arn:c2', kind: 'experiment-trial-component', name: 'c2', type: null, sourceUri: null })),
        ]);
        await store.transaction(async (tx) => {
          await tx.linkTrialToExperiment(t1.id, exp.id);
          await tx.linkTrialToExperiment(t2.id, exp.id);
          expect(await tx.addTrialMember(t1.id, c1.id, 1)).toBe(true);
          expect(await tx.addTrialMember(t1.id, c1.id, 2)).toBe(false);
          await tx.addTrialMember(t2.id, c1.id, 3);
          await tx.addTrialMember(t2.id, c2.id, 4);
        });
        const names = (rows: { name: string | null }[]): (string | null)[] => rows.map((r) => r.name);
        const list = { scope, sortBy: 'Name' as const, ascending: true, limit: 10 };
        await store.read(async (r) => {
          expect(await r.countTrialsOfExperiment(exp.id)).toBe(2);
          expect(await r.countComponentsOfTrial(t2.id)).toBe(2);
          expect(await r.countTrialsOfComponent(c1.id)).toBe(2);
          expect(await r.isTrialMember(t1.id, c2.id)).toBe(false);
          expect(names(await r.listTrialsOfComponent(c1.id))).toEqual(['t1', 't2']);
          expect(names(await r.listComponentsOfTrial(t2.id))).toEqual(['c1', 'c2']);
          expect(names(await r.listExperimentEntities({ ...list, kind: 'experiment-trial-component', experimentId: exp.id }))).toEqual(['c1', 'c2']);
          expect(names(await r.listExperimentEntities({ ...list, kind: 'experiment-trial-component', trialId: t1.id }))).toEqual(['c1']);
          expect(names(await r.listExperimentEntities({ ...list, kind: 'experiment-trial-component', sourceArn: 'job-1' }))).toEqual(['c1']);
          expect(names(await r.listExperimentEntities({ ...list, kind: 'experiment-trial', componentId: c2.id }))).toEqual(['t2']);
          expect(names(await r.listExperimentEntities({ ...list, kind: 'experiment-trial', experimentId: exp.id, after: { value: 't1', id: t1.id } }))).toEqual(['t2']);
        });
        await store.transaction(async (tx) => {
          expect(await tx.removeTrialMember(t1.id, c1.id)).toBe(true);
          expect(await tx.removeTrialMember(t1.id, c1.id)).toBe(false);
          await tx.unlinkTrial(t1.id);
        });
        expect(await store.read((r) => r.countTrialsOfExperiment(exp.id))).toBe(1);
      }));

    it('summarises metric samples: count, min, max, last by time then step, average and sample deviation', () =>
      withStore(async (store) => {
        // Metrics belong to an existing trial component (PostgreSQL checks it with a foreign key).
        const c = await store.transaction((tx) =>
          tx.insertEntity(entity({ arn: 'arn:c', kind: 'experiment-trial-component', name: 'c', type: null, sourceUri: null })),
        );
        await store.transaction((tx) =>
          tx.recordTrialComponentMetrics(c.id, [
            { name: 'loss', value: 4, timestamp: 3000, step: 1 },
            { name: 'loss', value: 2, timestamp: 1000, sourceArn: 'arn:job' },
            { name: 'loss', value: 6, timestamp: 3000, step: 0 },
            { name: 'acc', value: 0.5, timestamp: 10 },
          ]),
        );
        const [acc, loss] = await store.read((r) => r.listTrialComponentMetrics(c.id));
        expect(acc).toMatchObject({ name: 'acc', count: 1, min: 0.5, max: 0.5, last: 0.5, avg: 0.5, stdDev: 0 });
        expect(loss).toMatchObject({ name: 'loss', count: 3, min: 2, max: 6, last: 4, avg: 4, stdDev: 2, timestamp: 3000, sourceArn: 'arn:job' });
        await store.transaction((tx) => tx.deleteTrialComponentMetrics(c.id));
        expect(await store.read((r) => r.listTrialComponentMetrics(c.id))).toEqual([]);
      }));

    it('replaces and deletes search documents, and lists their distinct paths by prefix', () =>
      withStore(async (store) => {
        const doc = (arn: string, leaves: SearchLeaf[]) => ({ arn, scope, resource: 'R', record: { Name: arn }, leaves });
        await store.transaction(async (tx) => {
          await tx.putSearchDocument(doc('a', [leaf('Metrics.loss.Max', 1), leaf('Name', 'a')]));
          await tx.putSearchDocument(doc('b', [leaf('Metrics.acc.Max', 1), leaf('Name', 'b')]));
          await tx.putSearchDocument(doc('a', [leaf('Metrics.f1.Max', 1), leaf('Name', 'a')]));
        });
        expect(await store.read((r) => r.searchPaths(scope, 'R', 'Metrics.', 10))).toEqual(['Metrics.acc.Max', 'Metrics.f1.Max']);
        const all = { scope, resource: 'R', condition: { kind: 'all' as const, terms: [] }, sort: { path: 'Name', type: 'str' as const, ascending: true }, limit: 10 };
        expect((await store.read((r) => r.search(all))).map((h) => h.record)).toEqual([{ Name: 'a' }, { Name: 'b' }]);
        await store.transaction((tx) => tx.deleteSearchDocument('a'));
        expect((await store.read((r) => r.search(all))).map((h) => h.arn)).toEqual(['b']);
        expect(await store.read((r) => r.search({ ...all, scope: { ...scope, region: 'eu-west-1' } }))).toEqual([]);
      }));

    it('finds exactly what the reference evaluator finds, in the same order, page after page', () =>
      withStore(async (store) => {
        await fc.assert(
          fc.asyncProperty(fc.array(documentArb, { minLength: 0, maxLength: 25 }), conditionArb, sortArb, fc.integer({ min: 1, max: 7 }), planArb, async (docs, condition, sort, pageSize, plan) => {
            const resource = `R${runs++}`;
            await store.transaction(async (tx) => {
              for (const [i, leaves] of docs.entries()) await tx.putSearchDocument({ arn: `${resource}/${i}`, scope, resource, record: { i }, leaves });
            });
            const hits: { docId: number; arn: string; value: number | string | null }[] = [];
            let after: { value: number | string | null; docId: number } | undefined;
            for (;;) {
              const page = await store.read((r) => r.search({ scope, resource, condition, sort, after, limit: pageSize, plan }));
              hits.push(...page.map((h) => ({ docId: h.docId, arn: h.arn, value: h.sortValue })));
              if (page.length < pageSize) break;
              const last = page[page.length - 1]!;
              after = { value: last.sortValue, docId: last.docId };
            }
            // The reference works on the same ids the store assigned.
            const idOf = new Map(hits.map((h) => [h.arn, h.docId]));
            const known = await store.read((r) => r.search({ scope, resource, condition: { kind: 'all', terms: [] }, sort, limit: 1000 }));
            for (const h of known) idOf.set(h.arn, h.docId);
            const reference = referenceSearch(
              docs.map((leaves, i) => ({ docId: idOf.get(`${resource}/${i}`)!, leaves })),
              condition,
              sort,
              undefined,
              1000,
            );
            expect(hits.map((h) => [h.docId, h.value])).toEqual(reference.map((h) => [h.docId, h.value]));
          }),
          { numRuns: 200 },
        );
      }));
  });
}

let runs = 0;

function leaf(path: string, value: number | string, elem = 0): SearchLeaf {
  return typeof value === 'number' ? { path, elem, num: value, str: null } : { path, elem, num: null, str: value };
}

// Small vocabularies, so that random filters and documents actually meet.
const PATHS = ['A', 'B.x', 'B.y', 'L.n', 'L.m'];
const STRINGS = ['a', 'ab', 'b', 'ba', ''];
const numberArb = fc.constantFrom(-1, 0, 0.5, 1, 2);
const stringArb = fc.constantFrom(...STRINGS);

const documentArb: fc.Arbitrary<SearchLeaf[]> = fc
  .array(fc.record({ path: fc.constantFrom(...PATHS), elem: fc.integer({ min: 0, max: 2 }), value: fc.oneof(numberArb, stringArb) }), { maxLength: 8 })
  .map((raw) => {
    const seen = new Set<string>();
    const leaves: SearchLeaf[] = [];
    for (const r of raw) {
      const elem = r.path.startsWith('L.') ? r.elem : 0;
      const key = `${r.path}#${elem}`;
      if (seen.has(key)) continue;
      seen.add(key);
      leaves.push(leaf(r.path, r.value, elem));
    }
    return leaves;
  });

const testArb: fc.Arbitrary<ValueTest> = fc.oneof(
  fc.constant({ kind: 'exists' as const }),
  fc.record({ kind: fc.constant('equals' as const), num: numberArb }),
  fc.record({ kind: fc.constant('equals' as const), str: stringArb }),
  fc.record({ kind: fc.constant('equals' as const), num: numberArb, str: stringArb }),
  fc.record({ kind: fc.constant('compare' as const), op: fc.constantFrom('>' as const, '>=' as const, '<' as const, '<=' as const), num: numberArb }),
  fc.record({ kind: fc.constant('contains' as const), str: fc.constantFrom('a', 'b', 'ab') }),
  fc.record({ kind: fc.constant('in' as const), strs: fc.uniqueArray(stringArb, { minLength: 1, maxLength: 3 }) }),
);

const predicateArb: fc.Arbitrary<Predicate> = fc.record({
  target: fc.oneof(
    fc.record({ path: fc.constantFrom(...PATHS), subtree: fc.constant(false) }),
    fc.record({ path: fc.constantFrom('B', 'L'), subtree: fc.constant(true) }),
  ),
  test: testArb,
});

const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('leaf' as const), predicate: predicateArb }),
    fc.record({
      kind: fc.constant('nested' as const),
      list: fc.constant('L'),
      predicates: fc.array(
        fc.record({ target: fc.record({ path: fc.constantFrom('L.n', 'L.m'), subtree: fc.constant(false) }), test: testArb }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
    fc.record({ kind: fc.constant('not' as const), term: tie('c') }),
    fc.record({ kind: fc.constantFrom('all' as const, 'any' as const), terms: fc.array(tie('c'), { maxLength: 3 }) }),
  ),
})).c;

const planArb = fc.constantFrom(undefined, 'walk' as const, 'candidates' as const, 'bounded' as const);

const sortArb: fc.Arbitrary<SearchSort> = fc.record({
  path: fc.constantFrom(...PATHS),
  type: fc.constantFrom('num' as const, 'str' as const),
  ascending: fc.boolean(),
});
