/** A Mermaid flowchart of a lineage graph (renders in GitHub and GitLab markdown). */
import type { GraphView } from './graph-view.js';
import { LINEAGE_COLOURS, labelOf, subtitleOf } from './graph-view.js';

/** Mermaid ids must be plain words: vertices are numbered in order. */
const idOf = (i: number): string => `v${i}`;

/** Text inside `["…"]`: quotes and angle brackets as HTML entities. */
function text(t: string): string {
  return t.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function toMermaid(view: GraphView): string {
  const index = new Map(view.vertices.map((v, i) => [v.arn, i]));
  const starts = new Set(view.startArns);
  const lines = ['flowchart LR'];
  for (const [type, colour] of Object.entries(LINEAGE_COLOURS)) lines.push(`  classDef ${type} fill:${colour},color:#fff,stroke:#333`);
  lines.push('  classDef start stroke:#d00,stroke-width:4px');
  view.vertices.forEach((v, i) => {
    lines.push(`  ${idOf(i)}["${text(labelOf(view, v.arn))}<br/><small>${text(subtitleOf(v))}</small>"]${LINEAGE_COLOURS[v.lineageType] ? `:::${v.lineageType}` : ''}`);
    if (starts.has(v.arn)) lines.push(`  class ${idOf(i)} start`);
  });
  for (const e of view.edges) {
    const s = index.get(e.sourceArn);
    const d = index.get(e.destinationArn);
    if (s === undefined || d === undefined) continue;
    lines.push(`  ${idOf(s)} -->${e.associationType ? `|${text(e.associationType)}|` : ''} ${idOf(d)}`);
  }
  return `${lines.join('\n')}\n`;
}
