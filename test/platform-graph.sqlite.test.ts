import { QueryLineageCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformGraph } from '../bench/platform-graph.js';
import { generatePlatformGraph } from '../bench/platform-graph.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { startTestServer } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;
let graph: PlatformGraph;

beforeAll(async () => {
  server = await startTestServer();
  const store = server.running.store;
  if (!(store instanceof SqliteStore)) throw new Error('expected the embedded store');
  graph = await generatePlatformGraph(store, { entities: 3_000, seed: 7 });
});
afterAll(() => server.close());

describe('the generated platform graph', () => {
  it('is deterministic and about three associations per entity', async () => {
    const again = await startTestServer();
    try {
      const other = await generatePlatformGraph(again.running.store as SqliteStore, { entities: 3_000, seed: 7 });
      expect(other).toEqual(graph);
      expect(graph.associations / graph.entities).toBeGreaterThan(2.5);
    } finally {
      await again.close();
    }
  });

  it('wires an endpoint to the jobs, data and image behind it, as SageMaker does', async () => {
    const res = await server.client().send(new QueryLineageCommand({ StartArns: [graph.endpointArn], Direction: 'Ascendants', IncludeEdges: true }));
    const types = new Set(res.Vertices?.map((v) => `${v.LineageType}/${v.Type}`));
    for (const t of ['Context/Endpoint', 'Action/ModelDeployment', 'Artifact/Model', 'Artifact/Image', 'TrialComponent/TrainingJob', 'TrialComponent/ProcessingJob', 'Artifact/DataSet', 'Action/Approval']) {
      expect(types).toContain(t);
    }
    expect(res.Edges?.some((e) => e.DestinationArn === graph.endpointArn && e.AssociationType === 'AssociatedWith')).toBe(true);
  });

  it('reuses a dataset across executions: its descendants reach endpoints', async () => {
    const res = await server.client().send(
      new QueryLineageCommand({ StartArns: [graph.datasetArn], Direction: 'Descendants', Filters: { Types: ['Endpoint'] } }),
    );
    expect(res.Vertices?.length).toBeGreaterThan(0);
    const model = await server.client().send(new QueryLineageCommand({ StartArns: [graph.modelArn], Direction: 'Descendants', Filters: { LineageTypes: ['Context'] } }));
    expect(model.Vertices?.map((v) => v.Type)).toContain('Endpoint');
  });
});
