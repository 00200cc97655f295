/**
 * Keeps the in-memory lineage index (../lineage-index.ts) of the embedded store exactly as fresh as
 * each read's snapshot.
 *
 * - Freshness: every committed change to entities and associations is logged in `lineage_changes`:
 *   updates and deletes by triggers (migration 2), a row each; inserts by the store, as one range
 *   of ids per table and commit batch (insert-log.ts). When a read asks for the lineage graph,
 *   {@link SqliteLineageIndex.graphFor} reads the log rows after the index's position *inside that
 *   read transaction* and applies them, so the index then shows precisely the read's snapshot:
 *   nothing later, nothing missing. Reads are serialized on the reader connection, so no query ever
 *   sees the index change under it.
 * - Startup: the index is built in the background on a connection of its own, from one snapshot, in
 *   slices that yield to the event loop. Until it is ready, queries are answered by SQL (the reader
 *   itself), so a server answers at once however large the database.
 * - Large change bursts (a bulk import, or the log pruned past the index's position) make applying
 *   the log dearer than rebuilding: the index is then dropped and rebuilt in the background.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { EdgeList, LineageIndex } from '../lineage-index.js';
import type { IndexedVertexRow } from '../lineage-index.js';
import type { HopDirection, LineageGraph, LineageHop, LineageVertex } from '../lineage-graph.js';
import type { SqliteTx } from './sqlite-tx.js';
import { ASSOCIATIONS_INSERTED, ENTITIES_INSERTED } from './insert-log.js';

/** Above this many logged changes, rebuilding beats applying them one by one. */
const REBUILD_AFTER_CHANGES = 200_000;
/** Rows read per slice while building; each slice runs for a few milliseconds. */
const BUILD_SLICE_ROWS = 20_000;
/** An overlay this large relative to the graph is folded back into the CSR arrays. */
const COMPACT_OVERLAY_RATIO = 0.1;

export type LineageIndexMode = 'eager' | 'lazy' | 'off';

export interface LineageIndexStats {
  readonly ready: boolean;
  readonly vertices: number;
  readonly associations: number;
  readonly overlay: number;
  /** When the first build finished (epoch ms). */
  readonly readyAt?: number;
  /** How long the last build took. */
  readonly buildMs?: number;
}

const SEQ_SQL = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'lineage_changes'), 0) AS seq";
const FLOOR_SQL = "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'lineage_log_floor'), 0) AS floor";

/** The position of the newest logged change visible to this connection's snapshot. */
function logPosition(run: (sql: string) => { seq: number }[]): number {
  return run(SEQ_SQL)[0]?.seq ?? 0;
}

/**
 * Deletes logged changes up to `upTo` (inclusive) and records the new floor. Runs on the writer,
 * inside a write transaction.
 */
export function pruneLineageLog(writer: Db, upTo: number): void {
  writer.prepare('DELETE FROM lineage_changes WHERE seq <= ?').run(upTo);
  writer
    .prepare("INSERT INTO store_meta (key, value) VALUES ('lineage_log_floor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)")
    .run(String(upTo));
}

/**
 * After a bulk import on `writer`: forget the import's log rows (if its triggers even ran), and move
 * the log's floor past every index's position, so a running index rebuilds rather than replays.
 */
export function resetLineageLog(writer: Db): void {
  writer.prepare('INSERT INTO lineage_changes (op, a) VALUES (0, 0)').run();
  const seq = (writer.prepare(SEQ_SQL).get() as { seq: number }).seq;
  pruneLineageLog(writer, seq);
}

/** The index answering for one read: graph traversal from memory, start lookup and properties by SQL. */
class IndexedGraph implements LineageGraph {
  private readonly index: LineageIndex;
  private readonly sql: SqliteTx;

  constructor(index: LineageIndex, sql: SqliteTx) {
    this.index = index;
    this.sql = sql;
  }

  lineageIdsOf(arns: readonly string[]): ReadonlyMap<string, number> {
    return this.sql.lineageIdsOf(arns);
  }

  lineageHops(ids: readonly number[], direction: HopDirection): readonly LineageHop[] {
    return this.index.hops(ids, direction);
  }

  lineageVertices(ids: readonly number[]): readonly LineageVertex[] {
    return this.index.vertices(ids);
  }

  lineageProperties(ids: readonly number[]): ReadonlyMap<number, Readonly<Record<string, string>>> {
    return this.sql.lineageProperties(ids);
  }
}

interface Built {
  readonly index: LineageIndex;
  readonly position: number;
}

export class SqliteLineageIndex {
  private readonly path: string;
  private readonly mode: LineageIndexMode;
  private readonly onError: (message: string) => void;
  private index: LineageIndex | undefined;
  /** The log position the index reflects. */
  private position = 0;
  private building: Promise<void> | undefined;
  /** The snapshot position of the build in progress: log rows after it must survive pruning. */
  private buildPosition: number | undefined;
  private built: Built | undefined;
  private closed = false;
  private readyAt: number | undefined;
  private buildMs: number | undefined;

  private readonly onReady: (stats: LineageIndexStats) => void;

  constructor(path: string, mode: LineageIndexMode, onError: (message: string) => void, onReady: (stats: LineageIndexStats) => void = () => undefined) {
    this.path = path;
    this.mode = mode;
    this.onError = onError;
    this.onReady = onReady;
    if (mode === 'eager') this.startBuild();
  }

  /** Whether queries are answered from memory (for tests and the benchmark). */
  get ready(): boolean {
    return this.index !== undefined || this.built !== undefined;
  }

  /** Resolves when the background build in progress (if any) is done. */
  async whenBuilt(): Promise<void> {
    await this.building;
  }

  get stats(): LineageIndexStats {
    const index = this.index ?? this.built?.index;
    return { ready: this.ready, ...(index?.size ?? { vertices: 0, associations: 0, overlay: 0 }), readyAt: this.readyAt, buildMs: this.buildMs };
  }

  /**
   * The graph for the read in progress on `reader`, or undefined to answer from SQL. Must be called
   * inside a read transaction: the log is read from the same snapshot the query reads.
   */
  graphFor(reader: SqliteTx): LineageGraph | undefined {
    if (this.mode === 'off' || this.closed) return undefined;
    if (this.built) {
      this.index = this.built.index;
      this.position = this.built.position;
      this.built = undefined;
    }
    if (!this.index) {
      this.startBuild();
      return undefined;
    }
    const now = logPosition((sql) => reader.query(sql, []));
    if (now !== this.position) {
      const floor = reader.query<{ floor: number }>(FLOOR_SQL, [])[0]?.floor ?? 0;
      if (this.position < floor || now - this.position > REBUILD_AFTER_CHANGES) {
        this.index = undefined;
        this.startBuild();
        return undefined;
      }
      this.apply(reader, now);
    }
    return new IndexedGraph(this.index, reader);
  }

  /** Log rows up to this position may be pruned without leaving the index (or its build) behind. */
  prunablePosition(newest: number): number {
    if (this.mode === 'off' || (!this.index && !this.built && this.buildPosition === undefined)) return newest;
    const positions = [this.index ? this.position : newest, this.built?.position ?? newest, this.buildPosition ?? newest];
    return Math.min(...positions);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.building;
    this.index = undefined;
    this.built = undefined;
  }

  private apply(reader: SqliteTx, now: number): void {
    const index = this.index as LineageIndex;
    const rows = reader.query<{ op: number; a: number; b: number | null }>(
      'SELECT op, a, b FROM lineage_changes WHERE seq > ? AND seq <= ? ORDER BY seq',
      [this.position, now],
    );
    const entities = new Set<number>();
    const pairs = new Map<string, [number, number]>();
    for (const r of rows) {
      if (r.op === ENTITIES_INSERTED) {
        // A batch's inserted ids (insert-log.ts): whatever of them exists now is the current row.
        // None of them can be in the index already unless it was deleted in between, which logged op 2.
        for (const v of reader.lineageVerticesBetween(r.a, r.b as number)) index.setVertex(v);
      } else if (r.op === ASSOCIATIONS_INSERTED) {
        // Likewise: the rows read are current, type included. A later update or delete of one of
        // them logged its pair, which is re-read below.
        for (const h of reader.lineageHopsBetween(r.a, r.b as number)) index.setEdge(h.sourceId, h.destinationId, h.type);
      } else if (r.op <= 2) entities.add(r.a);
      else pairs.set(`${r.a}:${r.b}`, [r.a, r.b as number]);
    }
    // Re-read the current rows of everything touched: the final state is all that matters.
    if (entities.size > 0) {
      const ids = [...entities];
      const present = new Set<number>();
      for (const v of reader.lineageVertices(ids)) {
        index.setVertex(v);
        present.add(v.id);
      }
      for (const id of ids) if (!present.has(id)) index.removeVertex(id);
    }
    for (const [source, destination] of pairs.values()) {
      const row = reader.query<{ type: string | null }>(
        'SELECT type FROM associations WHERE source_id = ? AND destination_id = ?',
        [source, destination],
      )[0];
      if (row) index.setEdge(source, destination, row.type);
      else index.removeEdge(source, destination);
    }
    this.position = now;
    const size = index.size;
    if (size.overlay > Math.max(10_000, size.associations * COMPACT_OVERLAY_RATIO)) index.compact();
  }

  private startBuild(): void {
    if (this.building || this.closed || this.mode === 'off') return;
    const started = Date.now();
    this.building = this.build()
      .then((built) => {
        if (built && !this.closed) {
          this.built = built;
          this.readyAt ??= Date.now();
          this.buildMs = Date.now() - started;
          this.onReady(this.stats);
        }
      })
      .catch((e: unknown) => this.onError(`building the lineage index failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.building = undefined;
        this.buildPosition = undefined;
      });
  }

  /** Reads one snapshot on a connection of its own, a slice at a time. */
  private async build(): Promise<Built | undefined> {
    const db = new Database(this.path, { readonly: true });
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('BEGIN').run();
      const position = (db.prepare(SEQ_SQL).get() as { seq: number }).seq;
      this.buildPosition = position;
      const vertexSlice = db
        .prepare('SELECT id, arn, kind, type, account, region, created_at, modified_at FROM entities WHERE id > ? ORDER BY id LIMIT ?')
        .raw();
      const index = new LineageIndex();
      for (let after = 0; ; ) {
        const rows = vertexSlice.all(after, BUILD_SLICE_ROWS) as [number, string, string, string | null, string, string, number, number][];
        for (const [id, arn, kind, type, account, region, createdAt, modifiedAt] of rows) {
          index.setVertex({ id, arn, kind, type, account, region, createdAt, modifiedAt } satisfies IndexedVertexRow);
        }
        if (rows.length < BUILD_SLICE_ROWS) break;
        after = rows[rows.length - 1]?.[0] ?? after;
        if (await this.yieldOrStop()) return undefined;
      }
      const edgeSlice = db.prepare('SELECT id, source_id, destination_id, type FROM associations WHERE id > ? ORDER BY id LIMIT ?').raw();
      const edges = new EdgeList();
      for (let after = 0; ; ) {
        const rows = edgeSlice.all(after, BUILD_SLICE_ROWS) as [number, number, number, string | null][];
        for (const [, source, destination, type] of rows) edges.push(source, destination, index.edgeTypeCode(type));
        if (rows.length < BUILD_SLICE_ROWS) break;
        after = rows[rows.length - 1]?.[0] ?? after;
        if (await this.yieldOrStop()) return undefined;
      }
      db.prepare('COMMIT').run();
      index.loadAssociations(edges);
      return { index, position };
    } finally {
      db.close();
    }
  }

  private async yieldOrStop(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.closed;
  }
}
