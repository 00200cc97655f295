/**
 * An in-memory copy of the lineage graph, for backends that own their data alone (the embedded
 * SQLite store; never PostgreSQL, where several replicas share the database — DESIGN §8).
 *
 * Layout, chosen for a million entities and several million associations within a small memory
 * budget and without millions of small objects for the garbage collector to walk:
 * - vertex attributes in typed arrays indexed by entity id (ids are SQLite rowids, dense from 1),
 *   type strings and scopes interned as small integers, ARNs in one array of strings;
 * - associations in compressed sparse rows (CSR), once by source and once by destination, built
 *   in one pass by counting sort;
 * - changes after the build in a small overlay (added edges by end, removed base edges), so an
 *   insert or delete costs a map update rather than a rebuild. {@link compact} folds the overlay
 *   back into new CSR arrays when it grows.
 *
 * The index holds no snapshot logic of its own: its owner (sqlite/lineage-sync.ts) changes it only
 * between read transactions, so every query sees it exactly as one committed snapshot.
 */
import type { AssociationType, EntityKind } from '../core/model.js';
import type { HopDirection, LineageHop, LineageVertex } from './lineage-graph.js';

const KINDS: readonly EntityKind[] = ['artifact', 'action', 'context', 'experiment', 'experiment-trial', 'experiment-trial-component'];
const KIND_CODE = new Map<string, number>(KINDS.map((k, i) => [k, i + 1]));

/** One vertex row as the builder and the change log deliver it. */
export interface IndexedVertexRow {
  readonly id: number;
  readonly arn: string;
  readonly kind: string;
  readonly type: string | null;
  readonly account: string;
  readonly region: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
}

/** Growable columns of association ends, filled while building. */
export class EdgeList {
  sources = new Int32Array(1024);
  destinations = new Int32Array(1024);
  types = new Uint8Array(1024);
  length = 0;

  push(source: number, destination: number, type: number): void {
    if (this.length === this.sources.length) {
      const size = this.length * 2;
      this.sources = grow(this.sources, size);
      this.destinations = grow(this.destinations, size);
      this.types = grow(this.types, size);
    }
    this.sources[this.length] = source;
    this.destinations[this.length] = destination;
    this.types[this.length] = type;
    this.length++;
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/** Rows of a CSR: `start[v]..start[v+1]` index the neighbours of v in `ends` (and their `types`). */
interface Csr {
  readonly start: Int32Array;
  readonly ends: Int32Array;
  readonly types: Uint8Array;
}

function buildCsr(vertexCount: number, from: Int32Array, to: Int32Array, types: Uint8Array, length: number): Csr {
  const start = new Int32Array(vertexCount + 1);
  for (let i = 0; i < length; i++) start[(from[i] as number) + 1]!++;
  for (let v = 0; v < vertexCount; v++) start[v + 1]! += start[v] as number;
  const fill = start.slice(0, vertexCount);
  const ends = new Int32Array(length);
  const edgeTypes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const at = fill[from[i] as number]!++;
    ends[at] = to[i] as number;
    edgeTypes[at] = types[i] as number;
  }
  return { start, ends, types: edgeTypes };
}

export class LineageIndex {
  private capacity = 0;
  private arns: (string | undefined)[] = [];
  private kinds = new Uint8Array(0);
  private types = new Int32Array(0);
  private scopes = new Int32Array(0);
  private created = new Float64Array(0);
  private modified = new Float64Array(0);
  private readonly typeNames: string[] = [];
  private readonly typeCodes = new Map<string, number>();
  private readonly scopeList: { account: string; region: string }[] = [];
  private readonly scopeCodes = new Map<string, number>();
  private readonly edgeTypeNames: (AssociationType | null)[] = [null];
  private readonly edgeTypeCodes = new Map<string, number>();

  private out: Csr = { start: new Int32Array(1), ends: new Int32Array(0), types: new Uint8Array(0) };
  private in: Csr = { start: new Int32Array(1), ends: new Int32Array(0), types: new Uint8Array(0) };
  /** Base rows cover ids below this; higher ids have overlay edges only. */
  private baseVertices = 0;
  /** Overlay: edges added since the CSR was built, by source and by destination. */
  private readonly addedOut = new Map<number, Map<number, number>>();
  private readonly addedIn = new Map<number, Map<number, number>>();
  /** Overlay: base edges deleted since the CSR was built (source → destinations, and reverse). */
  private readonly removedOut = new Map<number, Set<number>>();
  private readonly removedIn = new Map<number, Set<number>>();
  private overlaySize = 0;
  private vertexCount = 0;
  private edgeCount = 0;

  /** Builds an index from every vertex and association of one snapshot. */
  static build(vertices: Iterable<IndexedVertexRow>, edges: EdgeList): LineageIndex {
    const index = new LineageIndex();
    for (const v of vertices) index.setVertex(v);
    index.loadAssociations(edges);
    return index;
  }

  get size(): { vertices: number; associations: number; overlay: number } {
    return { vertices: this.vertexCount, associations: this.edgeCount, overlay: this.overlaySize };
  }

  edgeTypeCode(type: string | null): number {
    if (type === null) return 0;
    let code = this.edgeTypeCodes.get(type);
    if (code === undefined) {
      code = this.edgeTypeNames.length;
      this.edgeTypeNames.push(type as AssociationType);
      this.edgeTypeCodes.set(type, code);
    }
    return code;
  }

  setVertex(row: IndexedVertexRow): void {
    this.ensureCapacity(row.id + 1);
    if (this.kinds[row.id] === 0) this.vertexCount++;
    this.arns[row.id] = row.arn;
    this.kinds[row.id] = KIND_CODE.get(row.kind) ?? 0;
    this.types[row.id] = row.type === null ? -1 : this.intern(row.type);
    const scopeKey = `${row.account}\u0000${row.region}`;
    let scope = this.scopeCodes.get(scopeKey);
    if (scope === undefined) {
      scope = this.scopeList.length;
      this.scopeList.push({ account: row.account, region: row.region });
      this.scopeCodes.set(scopeKey, scope);
    }
    this.scopes[row.id] = scope;
    this.created[row.id] = row.createdAt;
    this.modified[row.id] = row.modifiedAt;
  }

  removeVertex(id: number): void {
    if (id >= this.capacity || this.kinds[id] === 0) return;
    this.kinds[id] = 0;
    this.arns[id] = undefined;
    this.vertexCount--;
  }

  /** Adds an association, or changes its type. */
  setEdge(source: number, destination: number, type: string | null): void {
    const code = this.edgeTypeCode(type);
    this.ensureCapacity(Math.max(source, destination) + 1);
    const existed = this.addedOut.get(source)?.has(destination) === true || this.hasLiveBaseEdge(source, destination);
    if (this.hasBaseEdge(source, destination)) {
      // Re-typed, or re-created after a delete: the base entry stays hidden, the overlay holds it.
      addTo(this.removedOut, source, destination);
      addTo(this.removedIn, destination, source);
    }
    if (!existed) this.edgeCount++;
    if (!this.addedOut.get(source)?.has(destination)) this.overlaySize++;
    mapOf(this.addedOut, source).set(destination, code);
    mapOf(this.addedIn, destination).set(source, code);
  }

  removeEdge(source: number, destination: number): void {
    const added = this.addedOut.get(source);
    if (added?.delete(destination)) {
      if (added.size === 0) this.addedOut.delete(source);
      const reverse = this.addedIn.get(destination);
      reverse?.delete(source);
      if (reverse?.size === 0) this.addedIn.delete(destination);
      this.edgeCount--;
      return;
    }
    if (this.hasLiveBaseEdge(source, destination)) {
      addTo(this.removedOut, source, destination);
      addTo(this.removedIn, destination, source);
      this.overlaySize++;
      this.edgeCount--;
    }
  }

  /** Folds the overlay into fresh CSR arrays. Costs one pass over all associations. */
  compact(): void {
    const edges = new EdgeList();
    const n = this.baseVertices;
    for (let s = 0; s < n; s++) {
      const removed = this.removedOut.get(s);
      for (let i = this.out.start[s] as number, end = this.out.start[s + 1] as number; i < end; i++) {
        const d = this.out.ends[i] as number;
        if (removed?.has(d)) continue;
        edges.push(s, d, this.out.types[i] as number);
      }
    }
    for (const [s, ends] of this.addedOut) for (const [d, t] of ends) edges.push(s, d, t);
    this.addedOut.clear();
    this.addedIn.clear();
    this.removedOut.clear();
    this.removedIn.clear();
    this.overlaySize = 0;
    this.loadAssociations(edges);
  }

  hasVertex(id: number): boolean {
    return id >= 0 && id < this.capacity && this.kinds[id] !== 0;
  }

  vertex(id: number): LineageVertex | undefined {
    if (!this.hasVertex(id)) return undefined;
    const type = this.types[id] as number;
    const scope = this.scopeList[this.scopes[id] as number] as { account: string; region: string };
    return {
      id,
      arn: this.arns[id] as string,
      kind: KINDS[(this.kinds[id] as number) - 1] as EntityKind,
      type: type < 0 ? null : (this.typeNames[type] as string),
      account: scope.account,
      region: scope.region,
      createdAt: this.created[id] as number,
      modifiedAt: this.modified[id] as number,
    };
  }

  vertices(ids: readonly number[]): LineageVertex[] {
    const out: LineageVertex[] = [];
    for (const id of ids) {
      const v = this.vertex(id);
      if (v) out.push(v);
    }
    return out;
  }

  hops(ids: readonly number[], direction: HopDirection): LineageHop[] {
    const csr = direction === 'out' ? this.out : this.in;
    const added = direction === 'out' ? this.addedOut : this.addedIn;
    const removedAll = direction === 'out' ? this.removedOut : this.removedIn;
    const hops: LineageHop[] = [];
    const push = (from: number, to: number, code: number): void => {
      const type = this.edgeTypeNames[code] ?? null;
      hops.push(direction === 'out' ? { sourceId: from, destinationId: to, type } : { sourceId: to, destinationId: from, type });
    };
    for (const id of ids) {
      if (id < this.baseVertices) {
        const removed = removedAll.size === 0 ? undefined : removedAll.get(id);
        for (let i = csr.start[id] as number, end = csr.start[id + 1] as number; i < end; i++) {
          const other = csr.ends[i] as number;
          if (removed?.has(other)) continue;
          push(id, other, csr.types[i] as number);
        }
      }
      if (added.size !== 0) {
        const extra = added.get(id);
        if (extra) for (const [other, code] of extra) push(id, other, code);
      }
    }
    return hops;
  }

  /** Replaces every association with these (the CSR rows); vertices must already be set. */
  loadAssociations(edges: EdgeList): void {
    const n = this.capacity;
    this.out = buildCsr(n, edges.sources, edges.destinations, edges.types, edges.length);
    this.in = buildCsr(n, edges.destinations, edges.sources, edges.types, edges.length);
    this.baseVertices = n;
    this.edgeCount = edges.length;
  }

  private hasBaseEdge(source: number, destination: number): boolean {
    if (source >= this.baseVertices) return false;
    for (let i = this.out.start[source] as number, end = this.out.start[source + 1] as number; i < end; i++) {
      if (this.out.ends[i] === destination) return true;
    }
    return false;
  }

  private hasLiveBaseEdge(source: number, destination: number): boolean {
    return this.hasBaseEdge(source, destination) && !this.removedOut.get(source)?.has(destination);
  }

  private intern(type: string): number {
    let code = this.typeCodes.get(type);
    if (code === undefined) {
      code = this.typeNames.length;
      this.typeNames.push(type);
      this.typeCodes.set(type, code);
    }
    return code;
  }

  private ensureCapacity(size: number): void {
    if (size <= this.capacity) return;
    const next = Math.max(size, Math.ceil(this.capacity * 1.5), 1024);
    this.kinds = grow(this.kinds, next);
    this.types = grow(this.types, next);
    this.scopes = grow(this.scopes, next);
    this.created = grow(this.created, next);
    this.modified = grow(this.modified, next);
    this.capacity = next;
  }
}

function mapOf(maps: Map<number, Map<number, number>>, key: number): Map<number, number> {
  let m = maps.get(key);
  if (!m) {
    m = new Map();
    maps.set(key, m);
  }
  return m;
}

function addTo(sets: Map<number, Set<number>>, key: number, value: number): void {
  let s = sets.get(key);
  if (!s) {
    s = new Set();
    sets.set(key, s);
  }
  s.add(value);
}
