/**
 * Automatic layered layout with ELK (elkjs), computed in a Web Worker (`elk-worker.min.js`, copied
 * next to the bundle by scripts/build-web.ts) so the page stays responsive while it runs. This module
 * only turns the graph into ELK's input and ELK's answer into positions; drawing is renderer.ts's.
 */
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode, ELK as ElkInstance } from 'elkjs/lib/elk-api.js';
import type { GraphEdge, GraphNode } from './graph-model.js';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 42;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge {
  readonly edge: GraphEdge;
  /** From the source's side to the target's, with ELK's bend points between. */
  readonly points: readonly Point[];
}

export interface Layout {
  readonly nodes: PlacedNode[];
  readonly edges: PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

/**
 * Above this size ELK's thorough phases (network-simplex layering, Brandes-Köpf placement,
 * crossing-minimisation sweeps) take minutes. The cheap strategies still give layers that read left
 * (upstream) to right (downstream); merging the edges of hubs (a container image feeds thousands of
 * jobs) removes most of the dummy vertices long edges cost. Measured on a 10,007-vertex,
 * 29,891-edge platform graph in Node: 46 s with crossing minimisation, 20 s without it and with
 * merged edges; at that size crossings are invisible anyway.
 */
const LARGE_GRAPH = 800;

function options(size: number): Record<string, string> {
  const common = {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.edgeRouting': 'POLYLINE',
    'elk.spacing.nodeNode': '16',
    'elk.layered.spacing.nodeNodeBetweenLayers': '90',
    'elk.spacing.componentComponent': '40',
  };
  if (size <= LARGE_GRAPH) return common;
  return {
    ...common,
    'elk.layered.layering.strategy': 'LONGEST_PATH',
    'elk.layered.nodePlacement.strategy': 'SIMPLE',
    'elk.layered.thoroughness': '1',
    'elk.layered.crossingMinimization.strategy': 'NONE',
    'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
    'elk.layered.mergeEdges': 'true',
    'elk.separateConnectedComponents': 'false',
  };
}

export function createLayoutEngine(workerUrl: string): ElkInstance {
  return new ELK({ workerUrl });
}

export async function layoutGraph(elk: ElkInstance, nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Promise<Layout> {
  const idOf = new Map<string, string>();
  const children: ElkNode[] = nodes.map((n, i) => {
    idOf.set(n.arn, `n${i}`);
    return { id: `n${i}`, width: NODE_WIDTH, height: NODE_HEIGHT };
  });
  const elkEdges: ElkExtendedEdge[] = edges.map((e, i) => ({ id: `e${i}`, sources: [idOf.get(e.source) ?? ''], targets: [idOf.get(e.target) ?? ''] }));
  const graph: ElkNode = { id: 'root', layoutOptions: options(nodes.length), children, edges: elkEdges };
  const result: ElkNode = await elk.layout(graph);
  const placed: PlacedNode[] = (result.children ?? []).map((c, i) => ({ node: nodes[i] as GraphNode, x: c.x ?? 0, y: c.y ?? 0 }));
  const placedEdges: PlacedEdge[] = (result.edges ?? []).map((e, i) => {
    const points: Point[] = [];
    for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    return { edge: edges[i] as GraphEdge, points };
  });
  return { nodes: placed, edges: placedEdges, width: result.width ?? 0, height: result.height ?? 0 };
}
