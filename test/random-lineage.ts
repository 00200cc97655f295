/**
 * Random lineage graphs and queries for the property tests: small graphs with every shape that
 * makes traversal hard — cycles, self-loops, diamonds, fan-out, shared vertices, vertices of other
 * accounts (one that may or may not have shared its lineage with the viewer, one that never did),
 * experiments that are traversed but never returned.
 */
import fc from 'fast-check';
import type { AssociationType, EntityKind, LineageType } from '../src/core/model.js';
import type { LineageDirection, LineageFilters, LineageQuery } from '../src/lineage/query.js';
import type { ReferenceAssociation, ReferenceEntity, ReferenceViewer } from '../src/lineage/reference.js';
import { referenceCanSee } from '../src/lineage/reference.js';

export interface RandomCase {
  readonly entities: readonly ReferenceEntity[];
  readonly associations: readonly ReferenceAssociation[];
  readonly query: LineageQuery;
  /** Who queries: account VIEWER, to which SHARER may have shared its lineage. */
  readonly viewer: ReferenceViewer;
  /** Page size; undefined means one page. */
  readonly pageSize: number | undefined;
}

/** The querying account; an account that may have shared with it; one that never did. */
export const VIEWER = '000000000000';
export const SHARER = '222222222222';
export const STRANGER = '111111111111';

const KINDS: readonly EntityKind[] = ['artifact', 'artifact', 'action', 'context', 'experiment-trial-component', 'experiment'];
const TYPES: readonly (string | null)[] = ['DataSet', 'Model', 'Image', 'Endpoint', 'SageMakerTrainingJob', 'SageMakerProcessingJob', null];
const EDGE_TYPES: readonly (AssociationType | null)[] = ['ContributedTo', 'Produced', 'AssociatedWith', 'DerivedFrom', null];
const TIMES = [1_000, 2_000, 3_000];
const LINEAGE_TYPES: readonly LineageType[] = ['Artifact', 'Action', 'Context', 'TrialComponent'];
const QUERY_TYPES = ['DataSet', 'Model', 'Image', 'Endpoint', 'TrainingJob', 'ProcessingJob'];

const entityArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  type: fc.constantFrom(...TYPES),
  name: fc.stringMatching(/^[a-z]{1,3}$/),
  createdAt: fc.constantFrom(...TIMES),
  modifiedAt: fc.constantFrom(...TIMES),
  properties: fc.dictionary(fc.constantFrom('stage', 'team'), fc.constantFrom('a', 'b'), { maxKeys: 2 }),
  account: fc.constantFrom(VIEWER, VIEWER, VIEWER, VIEWER, VIEWER, VIEWER, SHARER, SHARER, STRANGER, STRANGER),
});

const filtersArb: fc.Arbitrary<LineageFilters> = fc
  .record(
    {
      lineageTypes: fc.subarray([...LINEAGE_TYPES], { minLength: 1 }).map((l) => new Set(l)),
      types: fc.subarray(QUERY_TYPES, { minLength: 1 }).map((l) => new Set(l)),
      createdBefore: fc.constantFrom(...TIMES),
      createdAfter: fc.constantFrom(...TIMES),
      modifiedBefore: fc.constantFrom(...TIMES),
      modifiedAfter: fc.constantFrom(...TIMES),
      properties: fc.array(fc.tuple(fc.constantFrom('stage', 'team'), fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((f) => f as LineageFilters);

export const randomCase: fc.Arbitrary<RandomCase> = fc
  .tuple(fc.array(entityArb, { minLength: 1, maxLength: 10 }), fc.boolean())
  .chain(([specs, shared]) => {
    const viewer: ReferenceViewer = { account: VIEWER, sharedWithCaller: new Set(shared ? [SHARER] : []) };
    const n = specs.length;
    const entities: ReferenceEntity[] = specs.map((s, i) => ({
      id: i + 1,
      arn: `arn:aws:sagemaker:us-east-1:${s.account}:${s.kind}/${s.name}-${i + 1}`,
      kind: s.kind,
      type: s.type,
      createdAt: s.createdAt,
      modifiedAt: s.modifiedAt,
      properties: s.properties,
      account: s.account,
    }));
    const visibleIds = entities.filter((e) => referenceCanSee(viewer, e)).map((e) => e.id);
    const startsArb = visibleIds.length === 0 ? fc.constant([1]) : fc.subarray(visibleIds, { minLength: 1, maxLength: Math.min(3, visibleIds.length) });
    return fc.record({
      entities: fc.constant(entities),
      viewer: fc.constant(viewer),
      associations: fc
        .uniqueArray(fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n })), {
          maxLength: n * 3,
          selector: ([s, d]) => `${s}:${d}`,
        })
        .chain((pairs) =>
          fc.tuple(...pairs.map(() => fc.constantFrom(...EDGE_TYPES))).map((types) =>
            pairs.map(([sourceId, destinationId], i) => ({ sourceId, destinationId, type: types[i] ?? null })),
          ),
        ),
      query: fc.record({
        startIds: startsArb,
        direction: fc.constantFrom<LineageDirection>('Ascendants', 'Descendants', 'Both'),
        maxDepth: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(10)),
        filters: fc.oneof(fc.constant({}), filtersArb),
        includeEdges: fc.boolean(),
      }),
      pageSize: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    });
  })
  // Graphs whose only start is invisible cannot be queried (the API refuses them).
  .filter((c) =>
    (c.query.startIds as readonly number[]).every((id) => {
      const e = c.entities[id - 1];
      return e !== undefined && referenceCanSee(c.viewer, e);
    }),
  );
