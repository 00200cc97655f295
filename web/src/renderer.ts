/**
 * Draws a laid-out graph on a canvas, with pan (drag) and zoom (wheel). Built to stay interactive
 * at 10,000 vertices: only what intersects the viewport is drawn, a frame is drawn at most once
 * per animation frame, and below a zoom level where text would be unreadable, vertices are drawn as
 * plain boxes batched into one path per colour (no text, no per-vertex state changes). At overview
 * zoom (the whole graph on screen) the picture is drawn once into an offscreen bitmap and panning
 * only copies it; zooming shows the bitmap scaled until the wheel rests, then draws it afresh.
 */
import type { GraphNode } from './graph-model.js';
import type { Layout, PlacedEdge, PlacedNode, Point } from './layout.js';
import { NODE_HEIGHT, NODE_WIDTH } from './layout.js';

interface Palette {
  readonly fill: string;
  readonly stroke: string;
}

const PALETTE: Readonly<Record<string, Palette>> = {
  Artifact: { fill: '#e3efff', stroke: '#2f6fb5' },
  Action: { fill: '#fff0dc', stroke: '#b85f00' },
  Context: { fill: '#e2f5e6', stroke: '#2e7d3e' },
  TrialComponent: { fill: '#f0e6fb', stroke: '#7446a8' },
};
const OTHER: Palette = { fill: '#eeeeee', stroke: '#666666' };

/** Zoom levels (screen pixels per layout unit) above which details are worth drawing. */
const TEXT_ZOOM = 0.45;
const EDGE_LABEL_ZOOM = 0.6;
const ARROW_ZOOM = 0.3;
/**
 * Below this zoom the whole graph is a few hundred pixels across: edges are drawn as straight
 * lines between their ends and vertices as whole-pixel boxes, in screen coordinates. Software
 * rasterisation (no GPU) of tens of thousands of sub-pixel anti-aliased polylines otherwise
 * stalls the page for seconds per frame.
 */
const OVERVIEW_ZOOM = 0.15;
/** The overview bitmap covers the viewport and this many viewports more on every side (clipped to the graph). */
const OVERVIEW_MARGIN = 0.5;
/** How long the wheel must rest before a zoomed overview is drawn afresh (the scaled bitmap stands in meanwhile). */
const OVERVIEW_SETTLE_MS = 120;
/** Paths are stroked in chunks: one huge path costs the rasteriser far more than its parts. */
const PATH_CHUNK = 1_500;
const FONT = '13px system-ui, sans-serif';
const SMALL_FONT = '11px system-ui, sans-serif';

export interface Viewport {
  x: number;
  y: number;
  k: number;
}

export interface RendererEvents {
  select(arn: string | null): void;
  expand(arn: string): void;
}

interface Box {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

function boxOf(points: readonly Point[]): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return { minX, minY, maxX, maxY };
}

/** Whether the segment a–b meets the box: it does unless all four corners lie on one side of its line (the boxes already meet). */
export function segmentMeets(a: Point, b: Point, box: Box): boolean {
  const side = (x: number, y: number) => Math.sign((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x));
  const s = side(box.minX, box.minY) + side(box.maxX, box.minY) + side(box.minX, box.maxY) + side(box.maxX, box.maxY);
  return Math.abs(s) < 4;
}

/** The overview drawn at one zoom into an offscreen canvas, for one version of the graph's styling. */
interface OverviewBitmap {
  readonly canvas: HTMLCanvasElement;
  readonly k: number;
  readonly dpr: number;
  readonly version: number;
  /** The world rectangle it shows. */
  readonly world: Box;
}

export class GraphRenderer {
  readonly view: Viewport = { x: 0, y: 0, k: 1 };
  /** How long each drawn frame took (ms), the latest last; the browser test reads it. */
  readonly frameTimes: number[] = [];
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly events: RendererEvents;
  private layout: Layout = { nodes: [], edges: [], width: 0, height: 0 };
  private edgeBoxes: Box[] = [];
  private edgePoints: Point[][] = [];
  private readonly byArn = new Map<string, PlacedNode>();
  private readonly shortLabels = new Map<string, string>();
  /** Edge labels are the five association types: each measured once. */
  private readonly labelWidths = new Map<string, number>();
  private matches: (node: GraphNode) => boolean = () => true;
  private selected: string | null = null;
  private start: string | null = null;
  private scheduled = false;
  /** Bumped whenever what the overview shows changes (layout, filter styling). */
  private version = 0;
  private overview: OverviewBitmap | null = null;
  /** Until then the wheel is turning: the overview is shown scaled rather than drawn afresh. */
  private zoomSettlesAt = 0;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(canvas: HTMLCanvasElement, events: RendererEvents) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('This browser has no 2D canvas.');
    this.ctx = ctx;
    this.events = events;
    this.listen();
    new ResizeObserver(() => this.requestDraw()).observe(canvas);
  }

  setLayout(layout: Layout, start: string | null): void {
    this.layout = layout;
    this.start = start;
    this.byArn.clear();
    this.shortLabels.clear();
    for (const p of layout.nodes) this.byArn.set(p.node.arn, p);
    this.edgePoints = layout.edges.map((e) => this.pointsOf(e));
    this.edgeBoxes = this.edgePoints.map(boxOf);
    this.version++;
    this.overview = null;
    this.requestDraw();
  }

  setStyle(matches: (node: GraphNode) => boolean, selected: string | null): void {
    this.matches = matches;
    this.selected = selected;
    this.version++;
    this.requestDraw();
  }

  /** A label changed (an artifact's source URI arrived): redraw with it. */
  relabel(arn: string): void {
    this.shortLabels.delete(arn);
    this.requestDraw();
  }

  /** Fits the whole graph, or zooms to a readable level around the start vertex when it is large. */
  fit(): void {
    const { width, height } = this.size();
    const w = Math.max(this.layout.width, 1);
    const h = Math.max(this.layout.height, 1);
    const k = Math.min(1.2, Math.min(width / (w + 40), height / (h + 40)));
    this.view.k = k;
    this.view.x = (width - w * k) / 2;
    this.view.y = (height - h * k) / 2;
    this.requestDraw();
  }

  centerOn(arn: string, k = this.view.k): void {
    const p = this.byArn.get(arn);
    if (!p) return;
    const { width, height } = this.size();
    this.view.k = k;
    this.view.x = width / 2 - (p.x + NODE_WIDTH / 2) * k;
    this.view.y = height / 2 - (p.y + NODE_HEIGHT / 2) * k;
    this.requestDraw();
  }

  panBy(dx: number, dy: number): void {
    this.view.x += dx;
    this.view.y += dy;
    this.requestDraw();
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    const k = Math.min(4, Math.max(0.01, this.view.k * factor));
    const f = k / this.view.k;
    this.view.x = sx - (sx - this.view.x) * f;
    this.view.y = sy - (sy - this.view.y) * f;
    this.view.k = k;
    if (k < OVERVIEW_ZOOM) {
      this.zoomSettlesAt = performance.now() + OVERVIEW_SETTLE_MS;
      clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => this.requestDraw(), OVERVIEW_SETTLE_MS + 5);
    }
    this.requestDraw();
  }

  /** The vertex's centre in CSS pixels relative to the canvas, or undefined when it is not laid out. */
  screenCenter(arn: string): Point | undefined {
    const p = this.byArn.get(arn);
    if (!p) return undefined;
    return { x: (p.x + NODE_WIDTH / 2) * this.view.k + this.view.x, y: (p.y + NODE_HEIGHT / 2) * this.view.k + this.view.y };
  }

  /** The vertices at least partly inside the viewport. */
  visibleNodes(): GraphNode[] {
    const b = this.worldViewBox();
    return this.layout.nodes.filter((p) => this.nodeVisible(p, b)).map((p) => p.node);
  }

  nodeAt(sx: number, sy: number): GraphNode | undefined {
    const x = (sx - this.view.x) / this.view.k;
    const y = (sy - this.view.y) / this.view.k;
    for (const p of this.layout.nodes) {
      if (x >= p.x && x <= p.x + NODE_WIDTH && y >= p.y && y <= p.y + NODE_HEIGHT) return p.node;
    }
    return undefined;
  }

  requestDraw(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      const t = performance.now();
      this.draw();
      this.frameTimes.push(performance.now() - t);
      if (this.frameTimes.length > 2000) this.frameTimes.splice(0, 1000);
    });
  }

  private size(): { width: number; height: number } {
    return { width: this.canvas.clientWidth, height: this.canvas.clientHeight };
  }

  private pointsOf(e: PlacedEdge): Point[] {
    if (e.points.length >= 2) return [...e.points];
    const s = this.byArn.get(e.edge.source);
    const t = this.byArn.get(e.edge.target);
    if (!s || !t) return [];
    return [
      { x: s.x + NODE_WIDTH, y: s.y + NODE_HEIGHT / 2 },
      { x: t.x, y: t.y + NODE_HEIGHT / 2 },
    ];
  }

  private worldViewBox(): Box {
    const { width, height } = this.size();
    const { x, y, k } = this.view;
    return { minX: -x / k, minY: -y / k, maxX: (width - x) / k, maxY: (height - y) / k };
  }

  private nodeVisible(p: PlacedNode, b: Box): boolean {
    return p.x + NODE_WIDTH >= b.minX && p.x <= b.maxX && p.y + NODE_HEIGHT >= b.minY && p.y <= b.maxY;
  }

  private draw(): void {
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = this.size();
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fafbfc';
    ctx.fillRect(0, 0, width, height);
    const { x, y, k } = this.view;
    if (k < OVERVIEW_ZOOM) {
      this.drawOverview(dpr);
      return;
    }
    this.overview = null; // close up: the bitmap of another zoom is of no more use
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * x, dpr * y);
    const box = this.worldViewBox();
    const visibleEdges: number[] = [];
    for (let i = 0; i < this.edgeBoxes.length; i++) {
      const b = this.edgeBoxes[i] as Box;
      if (b.maxX < box.minX || b.minX > box.maxX || b.maxY < box.minY || b.minY > box.maxY) continue;
      const pts = this.edgePoints[i] as Point[];
      // A straight edge (a hub's) spans much of the graph: its box meets the view far more often than it does.
      if (pts.length === 2 && !segmentMeets(pts[0] as Point, pts[1] as Point, box)) continue;
      visibleEdges.push(i);
    }
    this.drawEdges(visibleEdges, k);
    const visibleNodes = this.layout.nodes.filter((p) => this.nodeVisible(p, box));
    if (k < TEXT_ZOOM) this.drawBoxes(visibleNodes);
    else this.drawCards(visibleNodes, k);
    if (k >= EDGE_LABEL_ZOOM) this.drawEdgeLabels(visibleEdges, box);
  }

  /**
   * The whole graph at a glance (see OVERVIEW_ZOOM), copied from the overview bitmap: drawn afresh
   * only when the styling or zoom changed or the view left the part it covers; while the wheel
   * turns, the last bitmap is shown scaled instead.
   */
  private drawOverview(dpr: number): void {
    const { ctx } = this;
    const { x, y, k } = this.view;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    let bitmap = this.overview;
    const usable = bitmap !== null && bitmap.version === this.version && bitmap.dpr === dpr;
    if (usable && bitmap !== null && bitmap.k !== k && performance.now() < this.zoomSettlesAt) {
      const f = k / bitmap.k;
      const left = x + bitmap.world.minX * k;
      const top = y + bitmap.world.minY * k;
      ctx.drawImage(bitmap.canvas, left * dpr, top * dpr, bitmap.canvas.width * f, bitmap.canvas.height * f);
    } else {
      if (!usable || bitmap === null || bitmap.k !== k || !this.covers(bitmap.world)) bitmap = this.overview = this.drawOverviewBitmap(dpr);
      // Whole pixels: the bitmap was drawn on the pixel grid, so a fractional offset would blur it.
      ctx.drawImage(bitmap.canvas, Math.round((x + bitmap.world.minX * k) * dpr), Math.round((y + bitmap.world.minY * k) * dpr));
    }
    this.drawOverviewMarks(dpr);
  }

  /** The graph's extent in world units, with room for the marks around its outermost vertices. */
  private graphBox(): Box {
    const pad = 12 / this.view.k;
    return { minX: -pad, minY: -pad, maxX: this.layout.width + pad, maxY: this.layout.height + pad };
  }

  /** Whether a bitmap of this world rectangle shows all of the graph that is in the viewport. */
  private covers(world: Box): boolean {
    const v = this.worldViewBox();
    const g = this.graphBox();
    const need = { minX: Math.max(v.minX, g.minX), minY: Math.max(v.minY, g.minY), maxX: Math.min(v.maxX, g.maxX), maxY: Math.min(v.maxY, g.maxY) };
    if (need.minX >= need.maxX || need.minY >= need.maxY) return true;
    return need.minX >= world.minX && need.minY >= world.minY && need.maxX <= world.maxX && need.maxY <= world.maxY;
  }

  /**
   * Draws the overview of the viewport, a margin around it, clipped to the graph, into a bitmap in
   * device pixels: edges as straight whole-pixel lines (each distinct line once: at this zoom many
   * coincide), vertices as whole-pixel boxes batched into one path per colour.
   */
  private drawOverviewBitmap(dpr: number): OverviewBitmap {
    const { k } = this.view;
    const v = this.worldViewBox();
    const g = this.graphBox();
    const mx = (v.maxX - v.minX) * OVERVIEW_MARGIN;
    const my = (v.maxY - v.minY) * OVERVIEW_MARGIN;
    const world = {
      minX: Math.max(g.minX, v.minX - mx),
      minY: Math.max(g.minY, v.minY - my),
      maxX: Math.min(g.maxX, v.maxX + mx),
      maxY: Math.min(g.maxY, v.maxY + my),
    };
    const canvas = this.overview?.canvas ?? document.createElement('canvas');
    const width = Math.max(1, Math.ceil((world.maxX - world.minX) * k));
    const height = Math.max(1, Math.ceil((world.maxY - world.minY) * k));
    canvas.width = Math.ceil(width * dpr);
    canvas.height = Math.ceil(height * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser has no 2D canvas.');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const sx = (wx: number) => Math.round((wx - world.minX) * k);
    const sy = (wy: number) => Math.round((wy - world.minY) * k);
    ctx.strokeStyle = 'rgba(123,135,148,0.25)';
    ctx.lineWidth = 1;
    const drawn = new Set<string>();
    let n = 0;
    ctx.beginPath();
    for (const pts of this.edgePoints) {
      const a = pts[0];
      const b = pts[pts.length - 1];
      if (!a || !b) continue;
      const ax = sx(a.x);
      const ay = sy(a.y);
      const bx = sx(b.x);
      const by = sy(b.y);
      if ((ax === bx && ay === by) || Math.max(ax, bx) < 0 || Math.min(ax, bx) > width || Math.max(ay, by) < 0 || Math.min(ay, by) > height) continue;
      const key = `${ax},${ay},${bx},${by}`;
      if (drawn.has(key)) continue;
      drawn.add(key);
      ctx.moveTo(ax + 0.5, ay + 0.5);
      ctx.lineTo(bx + 0.5, by + 0.5);
      if (++n % PATH_CHUNK === 0) {
        ctx.stroke();
        ctx.beginPath();
      }
    }
    ctx.stroke();
    const w = Math.max(2, Math.round(NODE_WIDTH * k));
    const h = Math.max(2, Math.round(NODE_HEIGHT * k));
    const groups = new Map<string, number[]>();
    for (const p of this.layout.nodes) {
      const px = sx(p.x);
      const py = sy(p.y);
      if (px + w < 0 || px > width || py + h < 0 || py > height) continue;
      const key = `${p.node.lineageType}|${this.matches(p.node) ? 1 : 0}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(px, py);
    }
    for (const [key, corners] of groups) {
      const [lineageType, matched] = key.split('|');
      ctx.globalAlpha = matched === '1' ? 1 : 0.3;
      ctx.fillStyle = (PALETTE[lineageType ?? ''] ?? OTHER).stroke;
      ctx.beginPath();
      for (let i = 0; i < corners.length; i += 2) ctx.rect(corners[i] as number, corners[i + 1] as number, w, h);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    return { canvas, k, dpr, version: this.version, world };
  }

  /** The start and selected vertices' outlines, drawn over the bitmap (so selecting never redraws it). */
  private drawOverviewMarks(dpr: number): void {
    const { ctx } = this;
    const { x, y, k } = this.view;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const w = Math.max(2, Math.round(NODE_WIDTH * k));
    const h = Math.max(2, Math.round(NODE_HEIGHT * k));
    for (const arn of [this.start, this.selected]) {
      const p = arn ? this.byArn.get(arn) : undefined;
      if (!p) continue;
      ctx.lineWidth = 3;
      ctx.strokeStyle = arn === this.selected ? '#d6336c' : '#1f2933';
      ctx.strokeRect(Math.round(p.x * k + x) - 6, Math.round(p.y * k + y) - 6, w + 12, h + 12);
    }
  }

  private drawEdges(indices: readonly number[], k: number): void {
    const { ctx } = this;
    ctx.strokeStyle = '#9aa5b1';
    ctx.lineWidth = Math.max(1, 1.2 / k);
    ctx.beginPath();
    let n = 0;
    for (const i of indices) {
      const pts = this.edgePoints[i] as Point[];
      const first = pts[0];
      if (!first) continue;
      ctx.moveTo(first.x, first.y);
      for (let j = 1; j < pts.length; j++) ctx.lineTo((pts[j] as Point).x, (pts[j] as Point).y);
      if (++n % PATH_CHUNK === 0) {
        ctx.stroke();
        ctx.beginPath();
      }
    }
    ctx.stroke();
    if (k < ARROW_ZOOM) return;
    ctx.beginPath();
    for (const i of indices) {
      const pts = this.edgePoints[i] as Point[];
      const end = pts[pts.length - 1];
      const before = pts[pts.length - 2];
      if (!end || !before) continue;
      const a = Math.atan2(end.y - before.y, end.x - before.x);
      ctx.moveTo(end.x, end.y);
      ctx.lineTo(end.x - 9 * Math.cos(a - 0.4), end.y - 9 * Math.sin(a - 0.4));
      ctx.lineTo(end.x - 9 * Math.cos(a + 0.4), end.y - 9 * Math.sin(a + 0.4));
      ctx.closePath();
    }
    ctx.fillStyle = '#7b8794';
    ctx.fill();
  }

  private drawEdgeLabels(indices: readonly number[], view: Box): void {
    const { ctx } = this;
    ctx.font = SMALL_FONT;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const i of indices) {
      const pts = this.edgePoints[i] as Point[];
      const label = this.layout.edges[i]?.edge.associationType;
      if (!label || pts.length < 2) continue;
      // The middle of the longest segment: clear of the vertices at both ends.
      let best = 0;
      let at: Point = pts[0] as Point;
      for (let j = 1; j < pts.length; j++) {
        const a = pts[j - 1] as Point;
        const b = pts[j] as Point;
        const len = Math.hypot(b.x - a.x, b.y - a.y);
        if (len > best) {
          best = len;
          at = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
        }
      }
      // A long edge (a hub's, drawn straight) crosses the view with its label far outside it.
      if (at.x < view.minX - 60 || at.x > view.maxX + 60 || at.y < view.minY - 10 || at.y > view.maxY + 10) continue;
      let w = this.labelWidths.get(label);
      if (w === undefined) this.labelWidths.set(label, (w = ctx.measureText(label).width + 6));
      ctx.fillStyle = 'rgba(250,251,252,0.9)';
      ctx.fillRect(at.x - w / 2, at.y - 7, w, 14);
      ctx.fillStyle = '#52606d';
      ctx.fillText(label, at.x, at.y);
    }
  }

  private drawBoxes(nodes: readonly PlacedNode[]): void {
    const { ctx } = this;
    const groups = new Map<string, PlacedNode[]>();
    for (const p of nodes) {
      const key = `${p.node.lineageType}|${this.matches(p.node) ? 1 : 0}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(p);
    }
    for (const [key, group] of groups) {
      const [lineageType, matched] = key.split('|');
      const palette = PALETTE[lineageType ?? ''] ?? OTHER;
      ctx.globalAlpha = matched === '1' ? 1 : 0.3;
      ctx.beginPath();
      for (const p of group) ctx.rect(p.x, p.y, NODE_WIDTH, NODE_HEIGHT);
      ctx.fillStyle = palette.stroke;
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    this.drawMarks(nodes);
  }

  /** Outlines the start and selected vertices, which must stay findable at any zoom. */
  private drawMarks(nodes: readonly PlacedNode[]): void {
    const { ctx } = this;
    for (const p of nodes) {
      const arn = p.node.arn;
      if (arn !== this.selected && arn !== this.start) continue;
      ctx.lineWidth = Math.max(3, 3 / this.view.k);
      ctx.strokeStyle = arn === this.selected ? '#d6336c' : '#1f2933';
      ctx.strokeRect(p.x - 4, p.y - 4, NODE_WIDTH + 8, NODE_HEIGHT + 8);
    }
  }

  private drawCards(nodes: readonly PlacedNode[], k: number): void {
    const { ctx } = this;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    for (const p of nodes) {
      const palette = PALETTE[p.node.lineageType] ?? OTHER;
      ctx.globalAlpha = this.matches(p.node) ? 1 : 0.4;
      ctx.beginPath();
      ctx.roundRect(p.x, p.y, NODE_WIDTH, NODE_HEIGHT, 6);
      ctx.fillStyle = palette.fill;
      ctx.fill();
      ctx.lineWidth = Math.max(1, 1.5 / k);
      ctx.strokeStyle = palette.stroke;
      ctx.stroke();
      ctx.fillStyle = palette.stroke;
      ctx.fillRect(p.x, p.y + 6, 4, NODE_HEIGHT - 12);
      // Dimmed vertices (on a path, not matching the filter) keep readable text.
      ctx.globalAlpha = Math.max(ctx.globalAlpha, 0.8);
      ctx.font = FONT;
      ctx.fillStyle = '#1f2933';
      ctx.fillText(this.shortLabel(p.node), p.x + 10, p.y + 18);
      ctx.font = SMALL_FONT;
      ctx.fillStyle = '#52606d';
      ctx.fillText(p.node.type ? `${p.node.type} · ${p.node.lineageType}` : p.node.lineageType, p.x + 10, p.y + 34);
    }
    ctx.globalAlpha = 1;
    this.drawMarks(nodes);
  }

  /** The label cut to the card's width (measured once per vertex, not per frame). */
  private shortLabel(node: GraphNode): string {
    let s = this.shortLabels.get(node.arn);
    if (s !== undefined) return s;
    const { ctx } = this;
    ctx.font = FONT;
    const max = NODE_WIDTH - 16;
    s = node.label;
    if (ctx.measureText(s).width > max) {
      // Keep the end of long names and URIs: it is the part that differs between siblings.
      let cut = s;
      while (cut.length > 1 && ctx.measureText(`…${cut}`).width > max) cut = cut.slice(1);
      s = `…${cut}`;
    }
    this.shortLabels.set(node.arn, s);
    return s;
  }

  private listen(): void {
    const c = this.canvas;
    let drag: { x: number; y: number; moved: boolean } | null = null;
    c.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: false };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      drag.x = e.clientX;
      drag.y = e.clientY;
      this.panBy(dx, dy);
    });
    c.addEventListener('pointerup', (e) => {
      const wasDrag = drag?.moved ?? false;
      drag = null;
      if (wasDrag) return;
      const r = c.getBoundingClientRect();
      this.events.select(this.nodeAt(e.clientX - r.left, e.clientY - r.top)?.arn ?? null);
    });
    c.addEventListener('dblclick', (e) => {
      const r = c.getBoundingClientRect();
      const node = this.nodeAt(e.clientX - r.left, e.clientY - r.top);
      if (node) this.events.expand(node.arn);
    });
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const r = c.getBoundingClientRect();
        this.zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
      },
      { passive: false },
    );
  }
}
