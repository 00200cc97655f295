/**
 * What the high-level helpers share: a filtered query from one entity turned into typed objects,
 * the trial lookup through Search, and the pipeline-execution tag lookup.
 */
import { DescribeTrialComponentCommand, SearchCommand } from '@aws-sdk/client-sagemaker';
import type { SearchCommandInput } from '@aws-sdk/client-sagemaker';
import { toLineageObjects } from './convert.js';
import type { LineageObject } from './convert.js';
import type { LineageEntity, LineageQueryDirection } from './enums.js';
import { allPages, mapLimited, uniqueBy } from './pages.js';
import { LineageFilter, LineageQuery } from './query.js';
import type { LineageVertex } from './query.js';
import type { LineageSession } from './session.js';
import { listTags } from './tags.js';

/** The tag SageMaker Pipelines puts on every job a pipeline execution launches. */
export const PIPELINE_EXECUTION_TAG = 'sagemaker:pipeline-execution-arn';

export interface HelperQuery {
  readonly direction: LineageQueryDirection;
  readonly entity?: LineageEntity;
  readonly source?: string;
  readonly maxDepth?: number;
}

/** The helpers' query (spec §5): no edges, depth 10 unless said, every page. */
export async function helperVertices(session: LineageSession, startArns: readonly string[], q: HelperQuery): Promise<LineageVertex[]> {
  if (startArns.length === 0) return [];
  const result = await new LineageQuery(session).query({
    startArns,
    direction: q.direction,
    includeEdges: false,
    maxDepth: q.maxDepth ?? 10,
    filter: new LineageFilter({ entities: q.entity ? [q.entity] : [], sources: q.source ? [q.source] : [] }),
  });
  // The start itself matches some filters (a dataset's upstream datasets): it is not its own neighbour.
  return result.vertices.filter((v) => !startArns.includes(v.arn));
}

export async function helperObjects(session: LineageSession, startArn: string, q: HelperQuery): Promise<LineageObject[]> {
  return toLineageObjects(session, await helperVertices(session, [startArn], q));
}

/** Search takes at most 20 filters per expression. */
const SEARCH_FILTERS = 20;

/**
 * The names of the trials that hold any of these trial components, first-seen order, no repeats:
 * one `Equals` filter per ARN, OR-ed, 20 to a Search, every page (spec §9.2's intent).
 */
export async function trialNamesOf(session: LineageSession, trialComponentArns: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  const arns = uniqueBy(trialComponentArns, (a) => a);
  for (let i = 0; i < arns.length; i += SEARCH_FILTERS) {
    const batch = arns.slice(i, i + SEARCH_FILTERS);
    const request: SearchCommandInput = {
      Resource: 'ExperimentTrialComponent',
      SearchExpression: { Filters: batch.map((Value) => ({ Name: 'TrialComponentArn', Operator: 'Equals', Value })), Operator: 'Or' },
    };
    const results = allPages(async (NextToken) => {
      const res = await session.client.send(new SearchCommand({ ...request, NextToken }));
      return { items: res.Results, nextToken: res.NextToken };
    });
    for await (const record of results) {
      for (const parent of record.TrialComponent?.Parents ?? []) if (parent.TrialName) names.push(parent.TrialName);
    }
  }
  return uniqueBy(names, (n) => n);
}

/** The job ARN behind each trial component (its `Source.SourceArn`), described by ARN. */
export async function jobArnsOf(session: LineageSession, trialComponentArns: readonly string[]): Promise<string[]> {
  const sources = await mapLimited(trialComponentArns, session.describeConcurrency, async (arn) => {
    const tc = await session.client.send(new DescribeTrialComponentCommand({ TrialComponentName: arn }));
    return tc.Source?.SourceArn;
  });
  return uniqueBy(sources.filter((s): s is string => s !== undefined), (s) => s);
}

/** The first `sagemaker:pipeline-execution-arn` tag found on these jobs, in order (all tag pages). */
export async function pipelineExecutionArnOf(session: LineageSession, jobArns: readonly string[]): Promise<string | undefined> {
  for (const arn of jobArns) {
    const tag = (await listTags(session, arn)).find((t) => t.Key === PIPELINE_EXECUTION_TAG);
    if (tag?.Value !== undefined) return tag.Value;
  }
  return undefined;
}
