/** Export formats of a lineage graph: pure functions of a {@link GraphView}. */
export type { GraphEdge, GraphVertex, GraphView } from './graph-view.js';
export { LINEAGE_COLOURS, colourOf, labelOf, shorten } from './graph-view.js';
export { toDot } from './dot.js';
export { toMermaid } from './mermaid.js';
export { toGraphML } from './graphml.js';
export { toHtml } from './html.js';
export { layeredLayout } from './layered-layout.js';
