/**
 * The explorer's view lives in the URL hash, so a link (or `stemma open`) reproduces it exactly:
 * `#arn=<start>&direction=Ascendants&depth=4&lineageTypes=Artifact&types=DataSet&expanded=<arn>,<arn>&selected=<arn>`.
 * Defaults are left out of the hash, which keeps `stemma open`'s `#arn=…` links short.
 */
export type Direction = 'Ascendants' | 'Descendants' | 'Both';
export const DIRECTIONS: readonly Direction[] = ['Both', 'Ascendants', 'Descendants'];
export const LINEAGE_TYPES = ['Artifact', 'Action', 'Context', 'TrialComponent'] as const;
export const MAX_DEPTH = 10;

export interface ViewState {
  /** The start vertex; null shows the search page only. */
  readonly arn: string | null;
  readonly direction: Direction;
  readonly depth: number;
  /** QueryLineage's Filters.LineageTypes (empty: any). */
  readonly lineageTypes: readonly string[];
  /** QueryLineage's Filters.Types (empty: any). */
  readonly types: readonly string[];
  /** Vertices whose neighbours were expanded, in the order they were. */
  readonly expanded: readonly string[];
  readonly selected: string | null;
}

export const DEFAULT_VIEW: ViewState = {
  arn: null,
  direction: 'Both',
  depth: 3,
  lineageTypes: [],
  types: [],
  expanded: [],
  selected: null,
};

function list(value: string | null): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}

export function parseHash(hash: string): ViewState {
  const p = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const direction = p.get('direction');
  const depth = Number(p.get('depth'));
  return {
    arn: p.get('arn') || null,
    direction: DIRECTIONS.includes(direction as Direction) ? (direction as Direction) : DEFAULT_VIEW.direction,
    depth: Number.isInteger(depth) && depth >= 1 && depth <= MAX_DEPTH ? depth : DEFAULT_VIEW.depth,
    lineageTypes: list(p.get('lineageTypes')).filter((t) => (LINEAGE_TYPES as readonly string[]).includes(t)),
    types: list(p.get('types')),
    expanded: [...new Set(list(p.get('expanded')))],
    selected: p.get('selected') || null,
  };
}

export function formatHash(view: ViewState): string {
  const p = new URLSearchParams();
  if (view.arn) p.set('arn', view.arn);
  if (view.direction !== DEFAULT_VIEW.direction) p.set('direction', view.direction);
  if (view.depth !== DEFAULT_VIEW.depth) p.set('depth', String(view.depth));
  if (view.lineageTypes.length > 0) p.set('lineageTypes', view.lineageTypes.join(','));
  if (view.types.length > 0) p.set('types', view.types.join(','));
  if (view.expanded.length > 0) p.set('expanded', view.expanded.join(','));
  if (view.selected) p.set('selected', view.selected);
  return `#${p.toString()}`;
}

/** Whether two views show the same graph (they may differ in the selection only). */
export function sameGraph(a: ViewState, b: ViewState): boolean {
  const { selected: _a, ...ga } = a;
  const { selected: _b, ...gb } = b;
  return JSON.stringify(ga) === JSON.stringify(gb);
}

/** Whether a vertex passes the view's filters (QueryLineage's rules: OR within a list, AND across). */
export function matchesFilters(view: ViewState, vertex: { readonly lineageType: string; readonly type: string }): boolean {
  return (
    (view.lineageTypes.length === 0 || view.lineageTypes.includes(vertex.lineageType)) &&
    (view.types.length === 0 || view.types.includes(vertex.type))
  );
}
