/** GraphML (for Gephi, yEd, NetworkX): ARNs as ids, lineage type, type, label and start as data. */
import type { GraphView } from './graph-view.js';
import { labelOf } from './graph-view.js';

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function toGraphML(view: GraphView): string {
  const starts = new Set(view.startArns);
  const data = (key: string, value: string): string => `<data key="${key}">${xmlEscape(value)}</data>`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="lineageType" for="node" attr.name="lineageType" attr.type="string"/>',
    '  <key id="type" for="node" attr.name="type" attr.type="string"/>',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="start" for="node" attr.name="start" attr.type="boolean"><default>false</default></key>',
    '  <key id="associationType" for="edge" attr.name="associationType" attr.type="string"/>',
    '  <graph id="lineage" edgedefault="directed">',
  ];
  for (const v of view.vertices) {
    const parts = [data('lineageType', v.lineageType), ...(v.type ? [data('type', v.type)] : []), data('label', labelOf(view, v.arn))];
    if (starts.has(v.arn)) parts.push(data('start', 'true'));
    out.push(`    <node id="${xmlEscape(v.arn)}">${parts.join('')}</node>`);
  }
  view.edges.forEach((e, i) => {
    out.push(`    <edge id="e${i}" source="${xmlEscape(e.sourceArn)}" target="${xmlEscape(e.destinationArn)}">${e.associationType ? data('associationType', e.associationType) : ''}</edge>`);
  });
  out.push('  </graph>', '</graphml>');
  return `${out.join('\n')}\n`;
}
