/** `stemma query`: a lineage query from the terminal, as a table or in a machine format. */
import { DescribeArtifactCommand } from '@aws-sdk/client-sagemaker';
import { resourceName } from '../../sdk/arn.js';
import type { LineageQueryDirection } from '../../sdk/enums.js';
import { toDot } from '../../sdk/formats/dot.js';
import { toGraphML } from '../../sdk/formats/graphml.js';
import { shorten } from '../../sdk/formats/graph-view.js';
import { toHtml } from '../../sdk/formats/html.js';
import { toMermaid } from '../../sdk/formats/mermaid.js';
import { mapLimited } from '../../sdk/pages.js';
import { LineageFilter, LineageQuery } from '../../sdk/query.js';
import type { LineageQueryResult } from '../../sdk/query.js';
import type { LineageSession } from '../../sdk/session.js';
import { resolveEntity } from '../resolve.js';
import { table } from '../table.js';

export const QUERY_FORMATS = ['table', 'json', 'dot', 'mermaid', 'graphml', 'html'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

export interface QueryOptions {
  readonly direction: LineageQueryDirection;
  readonly depth: number;
  readonly lineageTypes: readonly string[];
  readonly types: readonly string[];
  readonly edges: boolean;
  readonly format: QueryFormat;
}

/** Artifacts are labelled by their source URI: up to this many are described for it. */
const LABELLED_ARTIFACTS = 2_000;

/** Readable names: the resource name for named entities, the source URI for artifacts. */
export async function labelsFor(session: LineageSession, result: LineageQueryResult): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const artifacts = result.vertices.filter((v) => v.lineageEntity === 'Artifact').slice(0, LABELLED_ARTIFACTS);
  const uris = await mapLimited(artifacts, session.describeConcurrency, async (v) => {
    const a = await session.client.send(new DescribeArtifactCommand({ ArtifactArn: v.arn }));
    return a.ArtifactName ? `${a.ArtifactName} (${a.Source?.SourceUri ?? ''})` : (a.Source?.SourceUri ?? v.arn);
  });
  artifacts.forEach((v, i) => labels.set(v.arn, uris[i] ?? v.arn));
  for (const v of result.vertices) if (!labels.has(v.arn)) labels.set(v.arn, resourceName(v.arn));
  return labels;
}

export async function runQuery(session: LineageSession, ref: string, o: QueryOptions): Promise<string> {
  const start = await resolveEntity(session, ref);
  const result = await new LineageQuery(session).query({
    startArns: [start.arn],
    direction: o.direction,
    maxDepth: o.depth,
    includeEdges: o.edges,
    filter: new LineageFilter({ entities: o.lineageTypes, sources: o.types }),
  });
  if (o.format === 'json') {
    return `${JSON.stringify({ StartArns: result.startArns, Vertices: result.vertices.map((v) => ({ Arn: v.arn, Type: v.lineageSource, LineageType: v.lineageEntity })), Edges: result.edges.map((e) => ({ SourceArn: e.sourceArn, DestinationArn: e.destinationArn, AssociationType: e.associationType })) }, null, 2)}\n`;
  }
  const labels = await labelsFor(session, result);
  const view = result.toGraphView({ labels, title: `${o.direction} of ${labels.get(start.arn) ?? start.arn}` });
  switch (o.format) {
    case 'dot':
      return toDot(view);
    case 'mermaid':
      return toMermaid(view);
    case 'graphml':
      return toGraphML(view);
    case 'html':
      return toHtml(view);
    case 'table': {
      const rows = result.vertices.map((v) => [v.lineageEntity, v.lineageSource ?? '', shorten(labels.get(v.arn) ?? v.arn, 64), v.arn]);
      const summary = `${result.vertices.length} entities${o.edges ? `, ${result.edges.length} associations` : ''}\n`;
      return table(['LINEAGE TYPE', 'TYPE', 'NAME / SOURCE', 'ARN'], rows, 100) + summary;
    }
  }
}
