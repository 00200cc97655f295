/**
 * The graph on screen: the union of the view's QueryLineage answers (the start query and one per
 * expanded vertex), each vertex and edge once.
 */
import type { Edge, Vertex } from './api.js';

export interface GraphNode {
  readonly arn: string;
  readonly lineageType: string;
  readonly type: string;
  /** A readable name: the ARN's resource name, or for artifacts (whose ids are hashes) the source URI once known. */
  label: string;
}

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly associationType: string;
}

/** The last part of an ARN: an action's, context's or trial component's name; an artifact's hash. */
export function resourceName(arn: string): string {
  const slash = arn.indexOf('/');
  return slash < 0 ? arn : arn.slice(slash + 1);
}

export class GraphModel {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();

  add(vertices: readonly Vertex[], edges: readonly Edge[]): void {
    for (const v of vertices) {
      if (this.nodes.has(v.Arn)) continue;
      const lineageType = v.LineageType ?? 'Artifact';
      const name = resourceName(v.Arn);
      this.nodes.set(v.Arn, {
        arn: v.Arn,
        lineageType,
        type: v.Type ?? '',
        label: lineageType === 'Artifact' ? `${v.Type ?? 'Artifact'} ${name.slice(0, 8)}` : name,
      });
    }
    for (const e of edges) {
      // An edge's ends are always returned with it; guard anyway so layout never sees a dangling edge.
      if (!this.nodes.has(e.SourceArn) || !this.nodes.has(e.DestinationArn)) continue;
      const key = `${e.SourceArn} ${e.DestinationArn}`;
      if (!this.edges.has(key)) this.edges.set(key, { source: e.SourceArn, target: e.DestinationArn, associationType: e.AssociationType ?? '' });
    }
  }
}
