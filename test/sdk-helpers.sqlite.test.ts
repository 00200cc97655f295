/**
 * Every SDK helper on a graph shaped like SageMaker's automatic lineage and Pipelines' experiments
 * (bench/platform-graph.ts), all served by the server itself — QueryLineage, DescribeTrialComponent,
 * Search, ListTags on jobs — checked against a reference: the whole graph read back through
 * ListAssociations and walked in memory here, independently of the server's QueryLineage engine,
 * and the generator's naming of jobs, trials and pipeline executions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformGraph } from '../bench/platform-graph.js';
import { generatePlatformGraph } from '../bench/platform-graph.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import {
  Action,
  Artifact,
  Association,
  Context,
  DatasetArtifact,
  EndpointContext,
  ImageArtifact,
  LineageQuery,
  LineageTrialComponent,
  ModelArtifact,
  ModelPackageApprovalAction,
  ModelPackageGroup,
  LineageFilter,
  collect,
  toLineageObjects,
  parseArn,
  sessionOf,
} from './sdk-imports.js';
import type { LineageSession } from './sdk-imports.js';
import { startTestServer } from './harness.js';
import type { TestServer } from './harness.js';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';

let server: TestServer;
let graph: PlatformGraph;
let session: LineageSession;
let calls: SentCalls;

/** The generator's naming: trial component `<job>-aws-<kind>-job` of job `pipeline-P-exec-E-<step>`. */
function jobOf(trialComponentArn: string): string | undefined {
  const p = parseArn(trialComponentArn);
  const m = p ? /^(.*)-aws-(training|processing|transform)-job$/.exec(p.name) : null;
  return p && m ? `arn:aws:sagemaker:${p.region}:${p.account}:${m[2]}-job/${m[1]}` : undefined;
}
/** The trial of a trial component: its pipeline execution, `pipeline-P-exec-E`. */
function trialOf(trialComponentArn: string): string | undefined {
  return /(pipeline-\d+-exec-\d+)-/.exec(parseArn(trialComponentArn)?.name ?? '')?.[1];
}
function executionArnOf(jobArn: string): string | undefined {
  const p = parseArn(jobArn);
  const run = /(pipeline-\d+)-exec-(\d+)/.exec(p?.name ?? '');
  return p && run ? `arn:aws:sagemaker:${p.region}:${p.account}:pipeline/${run[1]}/execution/${run[2]}` : undefined;
}

/** What the SDK sent (the server answers everything): trial components described, Search pages. */
interface SentCalls {
  readonly DescribeTrialComponent: string[];
  readonly Search: { continued: boolean }[];
}
function recordCalls(client: SageMakerClient): SentCalls {
  const sent: SentCalls = { DescribeTrialComponent: [], Search: [] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (context.commandName === 'DescribeTrialComponentCommand') sent.DescribeTrialComponent.push(String(input['TrialComponentName']));
      if (context.commandName === 'SearchCommand') sent.Search.push({ continued: input['NextToken'] !== undefined });
      return next(args);
    },
    { step: 'initialize', name: 'recordSdkCalls' },
  );
  return sent;
}

/** The reference graph: adjacency both ways and each vertex's lineage type and type string. */
const out = new Map<string, string[]>();
const into = new Map<string, string[]>();
const typeOf = new Map<string, { lineageType: string; type: string }>();
const LINEAGE_TYPE: Record<string, string> = { artifact: 'Artifact', action: 'Action', context: 'Context', 'experiment-trial-component': 'TrialComponent' };

function note(arn: string, type: string | undefined): void {
  const kind = parseArn(arn)?.kind ?? '';
  // ListAssociations shows a trial component's source type (SageMakerTrainingJob); a vertex, its job kind.
  const t = kind === 'experiment-trial-component' ? (type ?? '').replace(/^SageMaker/, '') : (type ?? '');
  typeOf.set(arn, { lineageType: LINEAGE_TYPE[kind] ?? kind, type: t });
}

/** Vertices within `depth` associations of the start in `direction`, matching the filter, start excluded. */
function reference(start: string | readonly string[], direction: 'Ascendants' | 'Descendants' | 'Both', lineageType?: string, type?: string, depth = 10): Set<string> {
  const starts = typeof start === 'string' ? [start] : start;
  const seen = new Set<string>(starts);
  let frontier = [...starts];
  for (let d = 0; d < depth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const v of frontier) {
      const neighbours = [
        ...(direction !== 'Ascendants' ? (out.get(v) ?? []) : []),
        ...(direction !== 'Descendants' ? (into.get(v) ?? []) : []),
      ];
      for (const n of neighbours) {
        if (seen.has(n)) continue;
        seen.add(n);
        next.push(n);
      }
    }
    frontier = next;
  }
  for (const s of starts) seen.delete(s);
  return new Set(
    [...seen].filter((a) => (!lineageType || typeOf.get(a)?.lineageType === lineageType) && (!type || typeOf.get(a)?.type === type)),
  );
}

const arnsOf = (objects: readonly { arn: string }[]): string[] => objects.map((o) => o.arn);
const firstOfType = (type: string): string => [...typeOf].find(([, t]) => t.type === type)?.[0] ?? '';

beforeAll(async () => {
  server = await startTestServer();
  if (!(server.running.store instanceof SqliteStore)) throw new Error('expected the embedded store');
  graph = await generatePlatformGraph(server.running.store, { entities: 3_000, seed: 11 });
  const client = server.client();
  calls = recordCalls(client);
  session = sessionOf(client);
  for await (const a of Association.list(session)) {
    const s = a.SourceArn ?? '';
    const d = a.DestinationArn ?? '';
    out.set(s, [...(out.get(s) ?? []), d]);
    into.set(d, [...(into.get(d) ?? []), s]);
    note(s, a.SourceType);
    note(d, a.DestinationType);
  }
});
afterAll(() => server.close());

describe('SDK helpers on the automatic lineage graph', () => {
  it('reads the whole graph back through paginated lists', () => {
    expect(typeOf.size).toBe(graph.entities);
    expect([...out.values()].reduce((n, l) => n + l.length, 0)).toBe(graph.associations);
  });

  it('EndpointContext: the datasets, models and jobs behind an endpoint', async () => {
    const endpoint = await Context.load(session, graph.endpointArn);
    expect(endpoint).toBeInstanceOf(EndpointContext);
    const ep = endpoint as EndpointContext;

    const datasets = await ep.datasetArtifacts();
    expect(new Set(arnsOf(datasets))).toEqual(reference(graph.endpointArn, 'Ascendants', 'Artifact', 'DataSet'));
    expect(datasets.every((d) => d instanceof DatasetArtifact && d.artifactType === 'DataSet')).toBe(true);

    const deployments = reference(graph.endpointArn, 'Ascendants', 'Action', 'ModelDeployment');
    const deployed = reference([...deployments], 'Ascendants', 'Artifact', 'Model', 1);
    const models = await ep.modelsV2();
    expect(new Set(arnsOf(models))).toEqual(deployed);
    expect(models.every((m) => m instanceof ModelArtifact)).toBe(true);

    const links = await ep.models();
    expect(new Set(links.map((l) => l.SourceArn))).toEqual(deployed);
    expect(new Set(links.map((l) => l.DestinationArn))).toEqual(deployments);

    const trainings = reference(graph.endpointArn, 'Ascendants', 'TrialComponent', 'TrainingJob');
    expect(trainings.size).toBeGreaterThan(1);
    expect(new Set(await ep.trainingJobArns())).toEqual(new Set([...trainings].map(jobOf)));
    expect(new Set(arnsOf(await ep.processingJobs()))).toEqual(reference(graph.endpointArn, 'Ascendants', 'TrialComponent', 'ProcessingJob'));
    expect(new Set(arnsOf(await ep.transformJobs()))).toEqual(reference(graph.endpointArn, 'Ascendants', 'TrialComponent', 'TransformJob'));
    const tcs = await ep.trialComponents();
    expect(new Set(arnsOf(tcs))).toEqual(reference(graph.endpointArn, 'Ascendants', 'TrialComponent'));
    expect(tcs.every((t) => t instanceof LineageTrialComponent)).toBe(true);
    // Trial components are described by ARN (spec §9.3), one call each.
    expect(calls.DescribeTrialComponent.length).toBeGreaterThan(0);
    expect(calls.DescribeTrialComponent.every((a) => a.startsWith('arn:'))).toBe(true);
    expect(tcs.every((t) => t.source?.SourceArn === jobOf(t.arn))).toBe(true);

    const execution = await ep.pipelineExecutionArn();
    expect(execution).toBe(executionArnOf((await ep.trainingJobArns())[0] ?? ''));
  });

  it('ModelArtifact: endpoints, datasets, training jobs and pipeline execution of a model', async () => {
    const model = await Artifact.load(session, graph.modelArn);
    expect(model).toBeInstanceOf(Artifact);
    const m = await ModelArtifact.load(session, graph.modelArn);
    expect(new Set(arnsOf(await m.endpointContexts()))).toEqual(reference(graph.modelArn, 'Descendants', 'Context', 'Endpoint'));
    expect((await m.endpointContexts()).map((e) => e.arn)).toContain(graph.endpointArn);
    expect(new Set((await m.endpoints()).map((a) => a.DestinationArn))).toEqual(reference(graph.modelArn, 'Descendants', 'Context', 'Endpoint', 2));
    expect(new Set(arnsOf(await m.datasetArtifacts()))).toEqual(reference(graph.modelArn, 'Ascendants', 'Artifact', 'DataSet'));
    const trainings = [...reference(graph.modelArn, 'Ascendants', 'TrialComponent', 'TrainingJob')].map(jobOf);
    expect(new Set(await m.trainingJobArns())).toEqual(new Set(trainings));
    expect(await m.pipelineExecutionArn()).toBe(executionArnOf((await m.trainingJobArns())[0] ?? ''));
    expect(await m.pipelineExecutionArn()).toMatch(/:pipeline\/pipeline-0\/execution\//);
  });

  it('DatasetArtifact: the models trained on a dataset, its endpoints, upstream and downstream datasets', async () => {
    const d = await DatasetArtifact.load(session, graph.datasetArn);
    // The raw data feeds processing jobs only; a split feeds a training job.
    expect(await d.trainedModels()).toEqual([]);
    const trainingInput = [...typeOf].find(([arn, t]) => t.type === 'DataSet' && (out.get(arn) ?? []).some((x) => typeOf.get(x)?.type === 'TrainingJob'))?.[0] ?? '';
    const trained = await (await DatasetArtifact.load(session, trainingInput)).trainedModels();
    expect(trained.length).toBeGreaterThan(0);
    const direct = new Set((out.get(trainingInput) ?? []).filter((a) => a.includes('trial-component')));
    for (const a of trained) {
      expect(direct).toContain(a.SourceArn);
      expect(a.DestinationType).toBe('Model');
    }
    expect(new Set(arnsOf(await d.endpointContexts()))).toEqual(reference(graph.datasetArn, 'Descendants', 'Context', 'Endpoint'));
    const downstream = await d.downstreamDatasets();
    expect(new Set(arnsOf(downstream))).toEqual(reference(graph.datasetArn, 'Descendants', 'Artifact', 'DataSet'));
    expect(downstream.length).toBeGreaterThan(50);
    expect(arnsOf(downstream)).not.toContain(graph.datasetArn);
    const split = downstream[0]!;
    expect(new Set(arnsOf(await split.upstreamDatasets()))).toEqual(reference(split.arn, 'Ascendants', 'Artifact', 'DataSet'));
    expect(arnsOf(await split.upstreamDatasets())).toContain(graph.datasetArn);
  });

  it('Artifact: trials up- and downstream (through Search), and artifacts by S3 URI', async () => {
    const d = await DatasetArtifact.load(session, graph.datasetArn);
    const direct = (out.get(graph.datasetArn) ?? []).filter((a) => a.includes('trial-component'));
    expect(new Set(await d.downstreamTrials())).toEqual(new Set(direct.map(trialOf)));
    const downstream = [...reference(graph.datasetArn, 'Descendants', 'TrialComponent')];
    const searchesBefore = calls.Search.length;
    const trials = await d.downstreamTrialsV2();
    // Several Search calls of 20 filters, and pages beyond the first (Search's default page is 10).
    expect(calls.Search.length - searchesBefore).toBeGreaterThan(Math.ceil(downstream.length / 20));
    expect(calls.Search.slice(searchesBefore).some((c) => c.continued)).toBe(true);
    expect(new Set(trials)).toEqual(new Set(downstream.map(trialOf)));
    expect(new Set(trials).size).toBe(trials.length); // no repeats
    expect(downstream.length).toBeGreaterThan(20); // more than one Search of 20 filters
    const m = await ModelArtifact.load(session, graph.modelArn);
    expect(new Set(await m.upstreamTrials())).toEqual(new Set([...reference(graph.modelArn, 'Ascendants', 'TrialComponent')].map(trialOf)));
    const uri = d.source?.SourceUri ?? '';
    expect((await d.s3UriArtifacts(uri)).map((s) => s.ArtifactArn)).toEqual([graph.datasetArn]);
  });

  it('ImageArtifact and Action: datasets of an image, artifacts of an action', async () => {
    const imageArn = firstOfType('Image');
    const image = await ImageArtifact.load(session, imageArn);
    expect(new Set(arnsOf(await image.datasets('Descendants')))).toEqual(reference(imageArn, 'Descendants', 'Artifact', 'DataSet'));
    const deployment = firstOfType('ModelDeployment');
    const action = await Action.load(session, deployment);
    const artifacts = await action.artifacts();
    expect(new Set(arnsOf(artifacts))).toEqual(reference(deployment, 'Both', 'Artifact'));
    expect(artifacts.some((a) => a instanceof ModelArtifact)).toBe(true);
    expect(artifacts.some((a) => a instanceof ImageArtifact)).toBe(true);
  });

  it('ModelPackageApprovalAction and ModelPackageGroup come from vertices by type', async () => {
    const approvalArn = firstOfType('Approval');
    const [approval] = await toLineageObjects(session, (await new LineageQuery(session).query({ startArns: [approvalArn], maxDepth: 0 })).vertices);
    expect(approval).toBeInstanceOf(ModelPackageApprovalAction);
    const a = approval as ModelPackageApprovalAction;
    expect(new Set(arnsOf(await a.datasets()))).toEqual(reference(approvalArn, 'Ascendants', 'Artifact', 'DataSet'));
    expect(new Set(arnsOf(await a.endpoints()))).toEqual(reference(approvalArn, 'Descendants', 'Context', 'Endpoint'));
    const groups = await new LineageQuery(session).query({ startArns: [approvalArn], direction: 'Descendants', filter: new LineageFilter({ sources: ['ModelGroup'] }) });
    const withoutEdges = await new LineageQuery(session).query({ startArns: [approvalArn], direction: 'Descendants', includeEdges: false, filter: new LineageFilter({ sources: ['ModelGroup'] }) });
    const group = withoutEdges.vertices[0]?.arn ?? '';
    expect(withoutEdges.vertices).toHaveLength(1);
    expect(groups.edges.length).toBeGreaterThan(0);
    const g = await Context.load(session, group);
    expect(g).toBeInstanceOf(Context);
    expect(new ModelPackageGroup(session, { ContextArn: group, ContextName: 'g', Properties: { PipelineExecutionArn: 'x' } }).pipelineExecutionArn()).toBe('x');
    expect(new Set(arnsOf(await g.actions('Ascendants')))).toEqual(reference(group, 'Ascendants', 'Action'));
  });

  it('LineageTrialComponent: datasets in, models out, and its pipeline execution', async () => {
    const trainingArn = firstOfType('TrainingJob');
    const tc = await LineageTrialComponent.load(session, trainingArn);
    expect(tc.source?.SourceType).toBe('SageMakerTrainingJob');
    expect(new Set(arnsOf(await tc.datasetArtifacts()))).toEqual(reference(trainingArn, 'Ascendants', 'Artifact', 'DataSet'));
    expect(new Set(arnsOf(await tc.models()))).toEqual(reference(trainingArn, 'Descendants', 'Artifact', 'Model'));
    expect(tc.source?.SourceArn).toBe(jobOf(trainingArn));
    expect(tc.trialComponentName).toBe(parseArn(trainingArn)?.name);
    expect(await tc.pipelineExecutionArn()).toBe(executionArnOf(jobOf(trainingArn) ?? ''));
    const byName = await LineageTrialComponent.load(session, tc.trialComponentName);
    expect(byName.arn).toBe(trainingArn);
    for (const kind of ['ProcessingJob', 'TransformJob']) {
      const arn = firstOfType(kind);
      const other = await LineageTrialComponent.load(session, arn);
      expect(other.source?.SourceType).toBe(`SageMaker${kind}`);
      expect(await other.pipelineExecutionArn()).toBe(executionArnOf(jobOf(arn) ?? ''));
    }
  });

  it('lists every entity of a kind across pages', async () => {
    const contexts = await collect(Context.list(session, { pageSize: 7 }));
    expect(contexts.length).toBe([...typeOf.values()].filter((t) => t.lineageType === 'Context').length);
    expect(new Set(contexts.map((c) => c.ContextArn)).size).toBe(contexts.length);
    const endpoints = await collect(Context.list(session, { ContextType: 'Endpoint' }));
    expect(endpoints.every((c) => c.ContextType === 'Endpoint')).toBe(true);
  });
});
