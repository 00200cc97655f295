import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomCase } from '../../test/random-lineage.js';
import type { RandomCase } from '../../test/random-lineage.js';
import { evaluateLineage } from './engine.js';
import type { LineageAnswer } from './query.js';
import { referenceLineage } from './reference.js';
import { canRead } from './visibility.js';
import type { ReferenceAssociation, ReferenceEntity } from './reference.js';
import type { LineageGraph } from '../storage/lineage-graph.js';
import type { StoreReader } from '../storage/store.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';

let dir: string;
let store: SqliteStore;
let region = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stemma-lineage-'));
  store = SqliteStore.open({ path: join(dir, 'stemma.db'), lineageIndex: 'lazy' });
  await store.read((r) => Promise.resolve(r.lineageGraph()));
  await store.lineage.whenBuilt();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const user = { IamIdentity: { PrincipalId: 'test' } };

/** Writes a random case into its own region of the shared store; returns case id → store id. */
async function write(c: RandomCase, scopeRegion: string): Promise<{ ids: Map<number, number>; entities: ReferenceEntity[] }> {
  return store.transaction(async (tx) => {
    const ids = new Map<number, number>();
    const entities: ReferenceEntity[] = [];
    for (const e of c.entities) {
      const account = e.account;
      const arn = e.arn.replace('us-east-1', scopeRegion);
      const row = await tx.insertEntity({
        arn, account, region: scopeRegion, kind: e.kind, name: null, type: e.type, sourceUri: null, status: null, description: null,
        properties: e.properties, attrs: {}, createdAt: e.createdAt, createdBy: user, modifiedAt: e.modifiedAt, modifiedBy: user, automatic: true,
      });
      ids.set(e.id, row.id);
      entities.push({ ...e, id: row.id, arn });
    }
    for (const a of c.associations) {
      await tx.insertAssociation({
        sourceId: ids.get(a.sourceId) as number, destinationId: ids.get(a.destinationId) as number, type: a.type,
        scope: { account: '000000000000', region: scopeRegion }, createdAt: 0, createdBy: user, automatic: true,
      });
    }
    return { ids, entities };
  });
}

async function answer(graphOf: (r: StoreReader) => LineageGraph, c: RandomCase, ids: Map<number, number>, scopeRegion: string): Promise<LineageAnswer> {
  return store.read(async (r) => {
    const graph = graphOf(r);
    const query = { ...c.query, startIds: c.query.startIds.map((id) => ids.get(id) as number) };
    const starts = await graph.lineageVertices(query.startIds);
    const access = { scope: { account: c.viewer.account, region: scopeRegion }, sharedWithCaller: c.viewer.sharedWithCaller };
    return evaluateLineage(graph, query, starts, (v) => canRead(v, access));
  });
}

describe('QueryLineage on the SQLite store', () => {
  it('answers like the reference from SQL and from the in-memory index, before and after writes', async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, fc.integer({ min: 0, max: 1_000_000 }), async (c, seed) => {
        const scopeRegion = `r${region++}`;
        const { ids, entities } = await write(c, scopeRegion);
        let associations: ReferenceAssociation[] = c.associations.map((a) => ({
          ...a, sourceId: ids.get(a.sourceId) as number, destinationId: ids.get(a.destinationId) as number,
        }));
        const check = async (): Promise<void> => {
          const query = { ...c.query, startIds: c.query.startIds.map((id) => ids.get(id) as number) };
          const expected = referenceLineage(entities, associations, query, c.viewer);
          expect(await answer((r) => r, c, ids, scopeRegion)).toEqual(expected);
          const fromIndex = (r: StoreReader): LineageGraph => {
            const graph = r.lineageGraph();
            expect(graph).not.toBe(r); // the index, not SQL
            return graph;
          };
          expect(await answer(fromIndex, c, ids, scopeRegion)).toEqual(expected);
        };
        await check();
        // Writes after the index was built: delete some associations, re-type others, add new ones,
        // and touch entities' modification times (a date filter must see them).
        const storeIds = [...ids.values()];
        await store.transaction(async (tx) => {
          const kept: ReferenceAssociation[] = [];
          for (const [i, a] of associations.entries()) {
            if ((seed + i) % 3 === 0) await tx.deleteAssociation(a.sourceId, a.destinationId);
            else kept.push(a);
          }
          const pick = (k: number): number => storeIds[(seed + k * 7) % storeIds.length] as number;
          for (let k = 0; k < 3; k++) {
            const [s, d] = [pick(k), pick(k + 1 + (seed % 5))];
            if (kept.some((a) => a.sourceId === s && a.destinationId === d)) continue;
            await tx.insertAssociation({ sourceId: s, destinationId: d, type: 'DerivedFrom', scope: { account: '000000000000', region: scopeRegion }, createdAt: 0, createdBy: user, automatic: true });
            kept.push({ sourceId: s, destinationId: d, type: 'DerivedFrom' });
          }
          associations = kept;
          const touched = pick(2);
          await tx.updateEntity(touched, { modifiedAt: 3_000, modifiedBy: user });
          const at = entities.findIndex((e) => e.id === touched);
          entities[at] = { ...(entities[at] as ReferenceEntity), modifiedAt: 3_000 };
        });
        await check();
      }),
      { numRuns: 300 },
    );
    expect(store.lineage.ready).toBe(true);
  });

  it('rebuilds the index after a bulk import instead of replaying it', async () => {
    await store.bulkWrite((db) => {
      db.prepare(
        `INSERT INTO entities (arn, account, region, kind, type, created_at, modified_at, automatic)
         VALUES ('arn:aws:sagemaker:bulk:000000000000:artifact/a', '000000000000', 'bulk', 'artifact', 'DataSet', 1, 1, 1),
                ('arn:aws:sagemaker:bulk:000000000000:artifact/b', '000000000000', 'bulk', 'artifact', 'Model', 1, 1, 1)`,
      ).run();
      db.prepare(
        `INSERT INTO associations (source_id, destination_id, type, account, region, created_at, automatic)
         SELECT a.id, b.id, 'Produced', '000000000000', 'bulk', 1, 1 FROM entities a, entities b
         WHERE a.arn LIKE '%bulk%artifact/a' AND b.arn LIKE '%bulk%artifact/b'`,
      ).run();
    });
    const run = (): Promise<string[]> =>
      store.read(async (r) => {
        const graph = r.lineageGraph();
        const ids = await graph.lineageIdsOf(['arn:aws:sagemaker:bulk:000000000000:artifact/a']);
        const starts = await graph.lineageVertices([...ids.values()]);
        const res = await evaluateLineage(graph, { startIds: [...ids.values()], direction: 'Descendants', maxDepth: 10, filters: {}, includeEdges: true }, starts, () => true);
        return res.vertices.map((v) => v.arn.slice(-1));
      });
    expect(await run()).toEqual(['a', 'b']); // from SQL while the index rebuilds
    await store.lineage.whenBuilt();
    expect(await run()).toEqual(['a', 'b']); // from the rebuilt index
    expect(store.lineage.ready).toBe(true);
  });
});
