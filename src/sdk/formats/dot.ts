/** Graphviz DOT of a lineage graph: left to right, coloured by lineage type, starts doubled. */
import type { GraphView } from './graph-view.js';
import { colourOf, labelOf, subtitleOf } from './graph-view.js';

/** A DOT double-quoted string. */
function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function toDot(view: GraphView): string {
  const starts = new Set(view.startArns);
  const lines = ['digraph lineage {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontcolor="white"];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const v of view.vertices) {
    const attrs = [`label=${q(`${labelOf(view, v.arn)}\n${subtitleOf(v)}`)}`, `fillcolor=${q(colourOf(v.lineageType))}`, `tooltip=${q(v.arn)}`];
    if (starts.has(v.arn)) attrs.push('peripheries=2', 'penwidth=2');
    lines.push(`  ${q(v.arn)} [${attrs.join(', ')}];`);
  }
  for (const e of view.edges) {
    lines.push(`  ${q(e.sourceArn)} -> ${q(e.destinationArn)}${e.associationType ? ` [label=${q(e.associationType)}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
