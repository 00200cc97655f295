/**
 * A self-contained HTML page of a lineage graph (the Python SDK's `visualize()`, readable):
 * labels from names and URIs, colours by lineage type, the start marked, association types on
 * the edges, a legend, and the ARN of each vertex on hover. No script, no network.
 */
import type { GraphView } from './graph-view.js';
import { LINEAGE_COLOURS, colourOf, labelOf, subtitleOf } from './graph-view.js';
import { xmlEscape } from './graphml.js';
import { layeredLayout } from './layered-layout.js';

const W = 220;
const H = 48;
const GAP_X = 110;
const GAP_Y = 28;

export function toHtml(view: GraphView): string {
  const layout = layeredLayout(view);
  const starts = new Set(view.startArns);
  const at = (arn: string): { x: number; y: number } => {
    const p = layout.get(arn);
    return { x: 20 + (p?.column ?? 0) * (W + GAP_X), y: 20 + (p?.row ?? 0) * (H + GAP_Y) };
  };
  const width = 40 + Math.max(1, ...[...layout.values()].map((p) => p.column + 1)) * (W + GAP_X);
  const height = 40 + Math.max(1, ...[...layout.values()].map((p) => p.row + 1)) * (H + GAP_Y);
  const svg: string[] = [];
  for (const e of view.edges) {
    if (!layout.has(e.sourceArn) || !layout.has(e.destinationArn)) continue;
    const s = at(e.sourceArn);
    const d = at(e.destinationArn);
    const [x1, y1, x2, y2] = [s.x + W, s.y + H / 2, d.x, d.y + H / 2];
    const mx = (x1 + x2) / 2;
    svg.push(`<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>`);
    if (e.associationType) svg.push(`<text class="edge-label" x="${mx}" y="${(y1 + y2) / 2 - 4}">${xmlEscape(e.associationType)}</text>`);
  }
  for (const v of view.vertices) {
    const { x, y } = at(v.arn);
    const start = starts.has(v.arn);
    svg.push(
      `<g class="node${start ? ' start' : ''}" data-arn="${xmlEscape(v.arn)}"><title>${xmlEscape(`${v.arn}\n${v.lineageType} · ${subtitleOf(v)}`)}</title>` +
        `<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="8" fill="${colourOf(v.lineageType)}"/>` +
        `<text x="${x + 10}" y="${y + 20}" class="name">${start ? '★ ' : ''}${xmlEscape(labelOf(view, v.arn))}</text>` +
        `<text x="${x + 10}" y="${y + 38}" class="type">${xmlEscape(subtitleOf(v))}</text></g>`,
    );
  }
  const legend = Object.entries(LINEAGE_COLOURS)
    .map(([type, colour]) => `<span><i style="background:${colour}"></i>${type === 'TrialComponent' ? 'Trial component (job)' : type}</span>`)
    .join('');
  const title = xmlEscape(view.title ?? 'Lineage');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;color:#222}
header{padding:10px 16px;border-bottom:1px solid #ddd;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
h1{font-size:16px;margin:0}
.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:5px;vertical-align:-1px}
main{overflow:auto;height:calc(100vh - 50px)}
.edge{fill:none;stroke:#888;stroke-width:1.5}.edge-label{font-size:11px;fill:#555;text-anchor:middle}
.node text{fill:#fff}.node .name{font-weight:600;font-size:13px}.node .type{font-size:11px;opacity:.9}
.node.start rect{stroke:#d00;stroke-width:4}
</style></head><body>
<header><h1>${title}</h1><div class="legend">${legend}<span>★ start</span></div><div>${view.vertices.length} entities, ${view.edges.length} associations</div></header>
<main><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>
${svg.join('\n')}
</svg></main></body></html>
`;
}
