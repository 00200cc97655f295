/**
 * The explorer's controller. The URL hash is the single source of the view (view-state.ts): every
 * control writes the hash, and a hash change redraws what it describes, so back/forward and shared
 * links just work. Query answers are cached per request, so expanding a vertex costs one query.
 */
import type { EntitySummary, LineageAnswer, LineageRequest } from './api.js';
import { describe, displayName, queryLineage } from './api.js';
import { showDetails } from './details-panel.js';
import { byId, el } from './dom.js';
import { GraphModel } from './graph-model.js';
import type { GraphNode } from './graph-model.js';
import type { Layout } from './layout.js';
import { createLayoutEngine, layoutGraph } from './layout.js';
import { GraphRenderer } from './renderer.js';
import { setUpSearch } from './search-box.js';
import type { Direction, ViewState } from './view-state.js';
import { formatHash, matchesFilters, parseHash, sameGraph } from './view-state.js';

/** Artifacts' ARNs are hashes: this many get their source URI (one Describe each) as their label. */
const LABELLED_ARTIFACTS = 300;
/** Graphs that fit the window at this zoom or closer are shown whole; larger ones around the start. */
const READABLE_ZOOM = 0.45;

export interface ExplorerTimings {
  queryMs: number;
  layoutMs: number;
  firstDrawMs: number;
}

/** What the browser test (and a curious developer's console) can see of the explorer. */
export interface ExplorerProbe {
  state: 'idle' | 'loading' | 'ready' | 'error';
  loads: number;
  view: ViewState;
  model: GraphModel;
  layout: Layout | null;
  renderer: GraphRenderer;
  timings: ExplorerTimings | null;
  truncated: boolean;
}

declare global {
  interface Window {
    stemmaExplorer?: ExplorerProbe;
  }
}

function setStatus(text: string, error = false): void {
  const s = byId<HTMLOutputElement>('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

function start(): void {
  const elk = createLayoutEngine(new URL('elk-worker.min.js', document.baseURI).href);
  const cache = new Map<string, Promise<LineageAnswer>>();
  const cachedQuery = (request: LineageRequest): Promise<LineageAnswer> => {
    const key = JSON.stringify(request);
    let answer = cache.get(key);
    if (!answer) {
      answer = queryLineage(request);
      cache.set(key, answer);
      answer.catch(() => cache.delete(key));
    }
    return answer;
  };

  const setView = (change: Partial<ViewState>): void => {
    location.hash = formatHash({ ...probe.view, ...change });
  };
  const renderer = new GraphRenderer(byId('graph'), {
    select: (arn) => setView({ selected: arn }),
    expand: (arn) => expand(arn),
  });
  const probe: ExplorerProbe = {
    state: 'idle',
    loads: 0,
    view: parseHash(''),
    model: new GraphModel(),
    layout: null,
    renderer,
    timings: null,
    truncated: false,
  };
  window.stemmaExplorer = probe;

  const expand = (arn: string): void => {
    if (!probe.view.expanded.includes(arn)) setView({ expanded: [...probe.view.expanded, arn], selected: arn });
  };
  const detailActions = {
    expand,
    focus: (arn: string) => setView({ arn, expanded: [], selected: arn }),
  };

  // Controls → hash.
  const direction = byId<HTMLSelectElement>('direction');
  const depth = byId<HTMLInputElement>('depth');
  const types = byId<HTMLInputElement>('types');
  const lineageBoxes = [...document.querySelectorAll<HTMLInputElement>('input[name="lineageType"]')];
  direction.addEventListener('change', () => setView({ direction: direction.value as Direction }));
  depth.addEventListener('change', () => {
    const d = Number(depth.value);
    if (Number.isInteger(d) && d >= 1 && d <= 10) setView({ depth: d });
  });
  for (const box of lineageBoxes) {
    box.addEventListener('change', () => setView({ lineageTypes: lineageBoxes.filter((b) => b.checked).map((b) => b.value) }));
  }
  types.addEventListener('change', () =>
    setView({ types: types.value.split(',').map((t) => t.trim()).filter((t) => t !== '') }),
  );
  byId<HTMLFormElement>('controls').addEventListener('submit', (e) => e.preventDefault());
  setUpSearch((entity: EntitySummary) => setView({ arn: entity.Arn, expanded: [], selected: entity.Arn }));

  const showControls = (view: ViewState): void => {
    direction.value = view.direction;
    depth.value = String(view.depth);
    types.value = view.types.join(', ');
    for (const box of lineageBoxes) box.checked = view.lineageTypes.includes(box.value);
  };

  const filtersOn = (view: ViewState): boolean => view.lineageTypes.length > 0 || view.types.length > 0;

  const showMatches = (): void => {
    const view = probe.view;
    const panel = byId<HTMLElement>('matches');
    const nodes = [...probe.model.nodes.values()];
    // By label, so the answer reads like a list (URIs of one bucket together).
    const matching = filtersOn(view) ? nodes.filter((n) => matchesFilters(view, n)).sort((a, b) => a.label.localeCompare(b.label)) : [];
    if (!filtersOn(view)) {
      panel.replaceChildren();
      return;
    }
    const shown = matching.slice(0, 200);
    panel.replaceChildren(
      el('h3', {}, `Matching the filter: ${matching.length}`),
      el(
        'ul',
        { id: 'match-list' },
        ...shown.map((n) => {
          const b = el('button', { type: 'button', 'data-arn': n.arn }, `${n.label} (${n.type})`);
          b.addEventListener('click', () => {
            setView({ selected: n.arn });
            renderer.centerOn(n.arn, Math.max(renderer.view.k, 0.8));
          });
          return el('li', {}, b);
        }),
      ),
      ...(matching.length > shown.length ? [el('p', { class: 'hint' }, `…and ${matching.length - shown.length} more.`)] : []),
    );
  };

  const select = (view: ViewState): void => {
    renderer.setStyle((n) => matchesFilters(view, n), view.selected);
    const node = view.selected ? probe.model.nodes.get(view.selected) : undefined;
    void showDetails(node, node ? view.expanded.includes(node.arn) : false, detailActions).then((details) => {
      const name = details && (node?.lineageType === 'Artifact' || node?.lineageType === 'TrialComponent') ? displayName(details) : undefined;
      if (node && name && name !== node.label) {
        node.label = name;
        renderer.relabel(node.arn);
        byId('details-title').textContent = name;
        showMatches();
      }
    });
  };

  /** Replaces artifacts' hash labels with their source URIs, a few Describes at a time. */
  const labelArtifacts = async (load: number): Promise<void> => {
    const artifacts = [...probe.model.nodes.values()].filter((n) => n.lineageType === 'Artifact').slice(0, LABELLED_ARTIFACTS);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < artifacts.length && load === probe.loads) {
        const node = artifacts[next++] as GraphNode;
        try {
          const name = displayName(await describe(node.arn, 'Artifact'));
          if (name && load === probe.loads) {
            node.label = name;
            renderer.relabel(node.arn);
          }
        } catch {
          // A vanished artifact keeps its id as label.
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker(), worker(), worker()]);
    if (load === probe.loads) showMatches();
  };

  const load = async (view: ViewState): Promise<void> => {
    const ticket = ++probe.loads;
    probe.state = 'loading';
    byId('intro').hidden = view.arn !== null;
    if (!view.arn) {
      probe.model = new GraphModel();
      probe.layout = null;
      renderer.setLayout({ nodes: [], edges: [], width: 0, height: 0 }, null);
      probe.state = 'idle';
      setStatus('');
      return;
    }
    const t0 = performance.now();
    setStatus('Querying lineage…');
    const filters = filtersOn(view)
      ? { Filters: { ...(view.lineageTypes.length ? { LineageTypes: view.lineageTypes } : {}), ...(view.types.length ? { Types: view.types } : {}) } }
      : {};
    const requests: LineageRequest[] = [
      { StartArns: [view.arn], Direction: view.direction, MaxDepth: view.depth, IncludeEdges: true, ...filters },
      ...view.expanded.map((arn) => ({ StartArns: [arn], Direction: 'Both' as const, MaxDepth: 1, IncludeEdges: true })),
    ];
    const answers = await Promise.all(requests.map(cachedQuery));
    if (ticket !== probe.loads) return;
    const model = new GraphModel();
    for (const a of answers) model.add(a.vertices, a.edges);
    const t1 = performance.now();
    const laying = `Laying out ${model.nodes.size.toLocaleString('en')} entities…`;
    setStatus(laying);
    // Large graphs take ELK seconds: the status counts them, so the page visibly works on.
    const ticker = setInterval(() => {
      if (ticket === probe.loads) setStatus(`${laying} ${Math.round((performance.now() - t1) / 1000)} s`);
    }, 1000);
    const nodes = [...model.nodes.values()];
    const layout = await layoutGraph(elk, nodes, [...model.edges.values()]).finally(() => clearInterval(ticker));
    if (ticket !== probe.loads) return;
    const t2 = performance.now();
    probe.model = model;
    probe.layout = layout;
    probe.truncated = answers.some((a) => a.truncated);
    renderer.setLayout(layout, view.arn);
    select(view);
    const { width, height } = byId('stage').getBoundingClientRect();
    const fitZoom = Math.min(width / (layout.width + 40), height / (layout.height + 40));
    if (fitZoom >= READABLE_ZOOM || nodes.length <= 50) renderer.fit();
    else renderer.centerOn(view.selected && model.nodes.has(view.selected) ? view.selected : view.arn, 0.8);
    showMatches();
    await nextFrame();
    await nextFrame();
    if (ticket !== probe.loads) return;
    const t3 = performance.now();
    probe.timings = { queryMs: t1 - t0, layoutMs: t2 - t1, firstDrawMs: t3 - t2 };
    probe.state = 'ready';
    setStatus(
      `${model.nodes.size.toLocaleString('en')} entities, ${model.edges.size.toLocaleString('en')} associations` +
        (probe.truncated ? ' (more exist: narrow the query)' : '') +
        ` · query ${Math.round(t1 - t0)} ms, layout ${Math.round(t2 - t1)} ms`,
    );
    void labelArtifacts(ticket);
  };

  const onHash = (): void => {
    const view = parseHash(location.hash);
    const previous = probe.view;
    probe.view = view;
    showControls(view);
    if (probe.loads > 0 && sameGraph(previous, view)) {
      select(view);
      return;
    }
    load(view).catch((e: unknown) => {
      probe.state = 'error';
      setStatus((e as Error).message, true);
    });
  };
  window.addEventListener('hashchange', onHash);
  onHash();
}

start();
