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
 * Above this size ELK's thorough phases (Brandes-Köpf placement, crossing-minimisation sweeps) take
 * minutes, so large graphs get the cheap ones, and their hubs are left out of the layout.
 */
const LARGE_GRAPH = 800;
/**
 * In a large graph, a vertex with more associations than this (a container image every job uses,
 * reference data every pipeline reads) is laid out alone and its edges are drawn straight. Its
 * edges would otherwise cross most layers, each crossing costing ELK a dummy vertex, and tie the
 * pipelines into one component. Without them each pipeline is a component of its own, laid out
 * apart and packed. Measured on the 10,007-vertex, 29,891-edge platform graph in Node (elkjs, same
 * machine, same load): 55–74 s and 194k bend points with every edge and one component; 26.5 s and
 * 35k bend points with the 4,290 edges of 5 hubs left out, components apart, network-simplex
 * layering (cheap per component, and it keeps edges short, which is what makes layered layouts read).
 */
const HUB_DEGREE = 150;

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
    'elk.layered.layering.strategy': 'NETWORK_SIMPLEX',
    'elk.layered.nodePlacement.strategy': 'SIMPLE',
    'elk.layered.thoroughness': '1',
    'elk.layered.crossingMinimization.strategy': 'NONE',
    'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
    'elk.layered.mergeEdges': 'true',
    'elk.separateConnectedComponents': 'true',
  };
}

/** The edges ELK lays out: all of a small graph's; a large graph's without its hubs' (HUB_DEGREE). */
export function edgesToLayOut(nodeCount: number, edges: readonly GraphEdge[]): boolean[] {
  if (nodeCount <= LARGE_GRAPH) return edges.map(() => true);
  const degree = new Map<string, number>();
  for (const e of edges) {
    degree.set(e.source, (degree.get(e.source) ?? 0) + 1);
    degree.set(e.target, (degree.get(e.target) ?? 0) + 1);
  }
  return edges.map((e) => (degree.get(e.source) ?? 0) <= HUB_DEGREE && (degree.get(e.target) ?? 0) <= HUB_DEGREE);
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
  const laidOut = edgesToLayOut(nodes.length, edges);
  const elkEdges: ElkExtendedEdge[] = [];
  edges.forEach((e, i) => {
    if (laidOut[i]) elkEdges.push({ id: `e${i}`, sources: [idOf.get(e.source) ?? ''], targets: [idOf.get(e.target) ?? ''] });
  });
  const graph: ElkNode = { id: 'root', layoutOptions: options(nodes.length), children, edges: elkEdges };
  const result: ElkNode = await elk.layout(graph);
  const placed: PlacedNode[] = (result.children ?? []).map((c, i) => ({ node: nodes[i] as GraphNode, x: c.x ?? 0, y: c.y ?? 0 }));
  const routes = new Map<string, Point[]>();
  for (const e of result.edges ?? []) {
    const points: Point[] = [];
    for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    routes.set(e.id, points);
  }
  // Edges left out of the layout have no route: the renderer draws them straight between their ends.
  const placedEdges: PlacedEdge[] = edges.map((edge, i) => ({ edge, points: routes.get(`e${i}`) ?? [] }));
  return { nodes: placed, edges: placedEdges, width: result.width ?? 0, height: result.height ?? 0 };
}
