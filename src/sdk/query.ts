/**
 * LineageQuery and LineageFilter, like the Python SDK's (spec §2–3), with what it evidently meant
 * to do: every page is read (NextToken followed), several start ARNs go in one query, duplicates
 * are dropped keeping the first occurrence, and cross-account `SameAs` twins are collapsed.
 */
import { QueryLineageCommand } from '@aws-sdk/client-sagemaker';
import type { QueryFilters, QueryLineageCommandInput } from '@aws-sdk/client-sagemaker';
import { parseArn } from './arn.js';
import type { LineageEntity, LineageQueryDirection, LineageSource } from './enums.js';
import type { GraphView } from './formats/graph-view.js';
import type { LineageSession } from './session.js';
import { uniqueBy } from './pages.js';

/** A vertex of a query result: what QueryLineage returns, no Describe call yet. */
export interface LineageVertex {
  readonly arn: string;
  /** `Artifact`, `Action`, `Context` or `TrialComponent`. */
  readonly lineageEntity: string;
  /** The type string (`DataSet`, `Endpoint`, `TrainingJob`, …), when the entity has one. */
  readonly lineageSource: string | undefined;
}

export interface LineageEdge {
  readonly sourceArn: string;
  readonly destinationArn: string;
  readonly associationType: string | undefined;
}

export interface LineageFilterOptions {
  /** LineageTypes. */
  readonly entities?: readonly (LineageEntity | (string & {}))[];
  /** Types. */
  readonly sources?: readonly (LineageSource | (string & {}))[];
  readonly createdBefore?: Date;
  readonly createdAfter?: Date;
  readonly modifiedBefore?: Date;
  readonly modifiedAfter?: Date;
  /** Matches when any one pair matches. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** Which vertices a query returns (the traversal continues through the others). */
export class LineageFilter {
  readonly options: LineageFilterOptions;

  constructor(options: LineageFilterOptions = {}) {
    this.options = options;
  }

  /** The request's `Filters`; empty lists and maps are left out, as the Python SDK does. */
  toRequest(): QueryFilters {
    const o = this.options;
    const f: QueryFilters = {};
    if (o.sources && o.sources.length > 0) f.Types = [...o.sources];
    if (o.entities && o.entities.length > 0) f.LineageTypes = [...o.entities] as QueryFilters['LineageTypes'];
    if (o.createdBefore) f.CreatedBefore = o.createdBefore;
    if (o.createdAfter) f.CreatedAfter = o.createdAfter;
    if (o.modifiedBefore) f.ModifiedBefore = o.modifiedBefore;
    if (o.modifiedAfter) f.ModifiedAfter = o.modifiedAfter;
    if (o.properties && Object.keys(o.properties).length > 0) f.Properties = { ...o.properties };
    return f;
  }
}

export interface LineageQueryOptions {
  readonly startArns: readonly string[];
  /** Default `Both`, as the Python SDK. */
  readonly direction?: LineageQueryDirection;
  /** Default true, as the Python SDK's `query()`; every helper passes false. */
  readonly includeEdges?: boolean;
  readonly filter?: LineageFilter;
  /** Default 10. */
  readonly maxDepth?: number;
  /** Vertices per page (1–50, SageMaker's limit; default 50). Every page is read regardless. */
  readonly pageSize?: number;
  /** Collapse cross-account SameAs twins into one vertex (default true, as the Python SDK). */
  readonly collapseCrossAccount?: boolean;
}

/** The whole answer of a query: every page, de-duplicated. */
export class LineageQueryResult {
  readonly vertices: readonly LineageVertex[];
  readonly edges: readonly LineageEdge[];
  readonly startArns: readonly string[];

  constructor(vertices: readonly LineageVertex[], edges: readonly LineageEdge[], startArns: readonly string[]) {
    this.vertices = vertices;
    this.edges = edges;
    this.startArns = startArns;
  }

  /** The result as the export formats draw it (`toDot`, `toMermaid`, `toGraphML`, `toHtml`). */
  toGraphView(options: { labels?: ReadonlyMap<string, string>; title?: string } = {}): GraphView {
    return {
      vertices: this.vertices.map((v) => ({ arn: v.arn, lineageType: v.lineageEntity, type: v.lineageSource })),
      edges: this.edges,
      startArns: this.startArns,
      ...options,
    };
  }
}

const edgeKey = (e: LineageEdge): string => `${e.sourceArn}\u0000${e.destinationArn}\u0000${e.associationType ?? ''}`;

/**
 * Collapses cross-account twins (spec §3.5, as the Python SDK means it): an edge between two
 * different artifact ARNs with the same artifact id — the `SameAs` links SageMaker adds between
 * accounts; ids come from the source, so the two are the same data whatever the edge's type — makes
 * them one vertex. Of a group of twins the one earliest in `vertices` is kept (the start, when it is
 * one: BFS order), the others are removed, their edges re-pointed to it, the edges between twins
 * dropped, and edges that became equal merged. Chains across several accounts collapse into one.
 */
export function collapseCrossAccount(vertices: readonly LineageVertex[], edges: readonly LineageEdge[]): { vertices: LineageVertex[]; edges: LineageEdge[] } {
  const position = new Map(vertices.map((v, i) => [v.arn, i]));
  const rank = (arn: string): number => position.get(arn) ?? Number.MAX_SAFE_INTEGER;
  const parent = new Map<string, string>();
  const keeper = (arn: string): string => {
    let k = arn;
    for (let next = parent.get(k); next !== undefined; next = parent.get(k)) k = next;
    return k;
  };
  for (const e of edges) {
    if (e.sourceArn === e.destinationArn) continue;
    const s = parseArn(e.sourceArn);
    const d = parseArn(e.destinationArn);
    if (!s || !d || s.kind !== 'artifact' || d.kind !== 'artifact' || s.name !== d.name) continue;
    const ks = keeper(e.sourceArn);
    const kd = keeper(e.destinationArn);
    if (ks === kd) continue;
    // The earlier vertex stays; on a tie (neither returned) the edge's source does, as in Python.
    if (rank(kd) < rank(ks)) parent.set(ks, kd);
    else parent.set(kd, ks);
  }
  if (parent.size === 0) return { vertices: [...vertices], edges: [...edges] };
  const kept = vertices.filter((v) => !parent.has(v.arn));
  const rewritten = edges
    .map((e) => ({ ...e, sourceArn: keeper(e.sourceArn), destinationArn: keeper(e.destinationArn) }))
    .filter((e) => e.sourceArn !== e.destinationArn);
  return { vertices: kept, edges: uniqueBy(rewritten, edgeKey) };
}

/** Runs QueryLineage and reads every page. */
export class LineageQuery {
  readonly session: LineageSession;

  constructor(session: LineageSession) {
    this.session = session;
  }

  async query(options: LineageQueryOptions): Promise<LineageQueryResult> {
    const request: QueryLineageCommandInput = {
      StartArns: [...options.startArns],
      Direction: options.direction ?? 'Both',
      IncludeEdges: options.includeEdges ?? true,
      Filters: options.filter?.toRequest() ?? {},
      MaxDepth: options.maxDepth ?? 10,
      MaxResults: options.pageSize ?? 50,
    };
    const vertices: LineageVertex[] = [];
    const edges: LineageEdge[] = [];
    let token: string | undefined;
    do {
      const page = await this.session.client.send(new QueryLineageCommand({ ...request, ...(token ? { NextToken: token } : {}) }));
      for (const v of page.Vertices ?? []) {
        if (v.Arn) vertices.push({ arn: v.Arn, lineageEntity: v.LineageType ?? '', lineageSource: v.Type ?? undefined });
      }
      for (const e of page.Edges ?? []) {
        if (e.SourceArn && e.DestinationArn) edges.push({ sourceArn: e.SourceArn, destinationArn: e.DestinationArn, associationType: e.AssociationType ?? undefined });
      }
      token = page.NextToken;
    } while (token);
    let v = uniqueBy(vertices, (x) => x.arn);
    let e = uniqueBy(edges, edgeKey);
    if (options.collapseCrossAccount ?? true) ({ vertices: v, edges: e } = collapseCrossAccount(v, e));
    return new LineageQueryResult(v, e, [...options.startArns]);
  }
}
