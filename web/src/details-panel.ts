/** The side panel: the selected entity's Describe answer, and the actions on it. */
import type { Details } from './api.js';
import { describe } from './api.js';
import { byId, el } from './dom.js';
import type { GraphNode } from './graph-model.js';

export interface DetailActions {
  expand(arn: string): void;
  focus(arn: string): void;
}

function formatValue(key: string, value: unknown): string {
  if (typeof value === 'number' && /Time$/.test(key)) return new Date(value * 1000).toISOString().replace('.000Z', 'Z');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Describe members worth a row, most telling first; the rest follow in the answer's order. */
const FIRST = ['ArtifactArn', 'ActionArn', 'ContextArn', 'Arn', 'Source', 'SourceUri', 'ArtifactType', 'ActionType', 'ContextType', 'Type', 'Status'];

export async function showDetails(node: GraphNode | undefined, expanded: boolean, actions: DetailActions): Promise<Details | undefined> {
  const panel = byId<HTMLElement>('details');
  if (!node) {
    panel.replaceChildren(el('p', { class: 'hint' }, 'Click an entity for its details.'));
    return undefined;
  }
  const expand = el('button', { id: 'expand', type: 'button' }, expanded ? 'Neighbours shown' : 'Expand neighbours');
  expand.toggleAttribute('disabled', expanded);
  expand.addEventListener('click', () => actions.expand(node.arn));
  const focus = el('button', { id: 'focus', type: 'button' }, 'Lineage from here');
  focus.addEventListener('click', () => actions.focus(node.arn));
  const rows = el('dl', { id: 'details-fields' });
  panel.replaceChildren(
    el('h2', { id: 'details-title' }, node.label),
    el('div', { class: 'what' }, `${node.type || '—'} · ${node.lineageType}`),
    el('div', { class: 'actions' }, expand, focus),
    rows,
  );
  try {
    const details = await describe(node.arn, node.lineageType);
    const keys = Object.keys(details).sort((a, b) => {
      const ia = FIRST.indexOf(a);
      const ib = FIRST.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
    for (const key of keys) {
      const value = details[key];
      if (value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0)) continue;
      if (key === 'Source' && typeof value === 'object') {
        const s = value as { SourceUri?: string; SourceTypes?: unknown[] };
        rows.append(el('dt', {}, 'SourceUri'), el('dd', {}, s.SourceUri ?? ''));
        if (s.SourceTypes?.length) rows.append(el('dt', {}, 'SourceTypes'), el('dd', {}, JSON.stringify(s.SourceTypes)));
        continue;
      }
      rows.append(el('dt', {}, key), el('dd', {}, formatValue(key, value)));
    }
    return details;
  } catch (e) {
    rows.append(el('dt', {}, 'Error'), el('dd', {}, (e as Error).message));
    return undefined;
  }
}
