/**
 * What every export format draws: a query result plus readable labels. Pure data, so the format
 * writers are pure functions of it.
 */
import { parseArn } from '../arn.js';

export interface GraphVertex {
  readonly arn: string;
  readonly lineageType: string;
  readonly type?: string | undefined;
}

export interface GraphEdge {
  readonly sourceArn: string;
  readonly destinationArn: string;
  readonly associationType?: string | undefined;
}

export interface GraphView {
  readonly vertices: readonly GraphVertex[];
  readonly edges: readonly GraphEdge[];
  readonly startArns: readonly string[];
  /** Names or source URIs by ARN (artifact ARNs end in a hash, which no one can read). */
  readonly labels?: ReadonlyMap<string, string>;
  readonly title?: string;
}

/** Colours by lineage type: the Python SDK's visualizer palette. */
export const LINEAGE_COLOURS: Readonly<Record<string, string>> = {
  Artifact: '#146eb4',
  Action: '#88c396',
  Context: '#ff9900',
  TrialComponent: '#f6cf61',
};
export const OTHER_COLOUR = '#999999';

export function colourOf(lineageType: string): string {
  return LINEAGE_COLOURS[lineageType] ?? OTHER_COLOUR;
}

/** Long URIs keep their head and tail: `s3://bucket/…/train/output/model.tar.gz`. */
export function shorten(text: string, max = 48): string {
  if (text.length <= max) return text;
  const head = Math.floor(max / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - head - 1))}`;
}

/** The label of a vertex: its name or URI when known, else the name in its ARN. */
export function labelOf(view: GraphView, arn: string): string {
  const known = view.labels?.get(arn);
  if (known) return shorten(known);
  const p = parseArn(arn);
  if (!p) return shorten(arn);
  return p.kind === 'artifact' ? `artifact ${p.name.slice(0, 8)}` : shorten(p.name);
}

/** The second line of a label: the type string, or the lineage type. */
export function subtitleOf(v: GraphVertex): string {
  return v.type ? v.type : v.lineageType;
}
