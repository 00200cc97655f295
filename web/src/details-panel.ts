/** The side panel: the selected entity's Describe answer, and the actions on it. */
import type { Details } from './api.js';
import { describe } from './api.js';
import { byId, el } from './dom.js';
import type { GraphNode } from './graph-model.js';

export interface DetailActions {
  expand(arn: string): void;
  focus(arn: string): void;
}

/** A `UserContext` (CreatedBy, LastModifiedBy) reads best as the identity's ARN. */
function identityOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { IamIdentity, UserProfileArn } = value as { IamIdentity?: { Arn?: unknown }; UserProfileArn?: unknown };
  if (typeof IamIdentity?.Arn === 'string') return IamIdentity.Arn;
  return typeof UserProfileArn === 'string' ? UserProfileArn : undefined;
}

function formatValue(key: string, value: unknown): string {
  if (typeof value === 'number' && /Time$/.test(key)) return new Date(value * 1000).toISOString().replace('.000Z', 'Z');
  if (/By$/.test(key)) {
    const identity = identityOf(value);
    if (identity !== undefined) return identity;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Describe members worth a row, most telling first; the rest follow in the answer's order. */
const FIRST = [
  'ArtifactArn', 'ActionArn', 'ContextArn', 'TrialComponentArn', 'Arn', 'Source', 'SourceUri',
  'ArtifactType', 'ActionType', 'ContextType', 'Type', 'Status', 'StartTime', 'EndTime',
];

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
    el('div', { class: 'what' }, node.type ? `${node.type} · ${node.lineageType}` : node.lineageType),
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
        // A lineage entity's Source is {SourceUri, SourceTypes|SourceType}; a trial component's, the job: {SourceArn, SourceType}.
        for (const [member, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
          rows.append(el('dt', {}, member), el('dd', {}, formatValue(member, v)));
        }
        continue;
      }
      if (key === 'Status' && typeof value === 'object') {
        // A trial component's {PrimaryStatus, Message}.
        const s = value as { PrimaryStatus?: string; Message?: string };
        rows.append(el('dt', {}, 'Status'), el('dd', {}, [s.PrimaryStatus, s.Message].filter(Boolean).join(': ')));
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
