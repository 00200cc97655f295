/**
 * What the QueryLineage engine (src/lineage) needs from a backend: the lineage graph of one
 * consistent snapshot, read a BFS level at a time. Every method takes a batch of entity ids, so a
 * SQL backend answers a whole level with one statement (`WHERE source_id IN (…)`) instead of one
 * per vertex, and an in-memory index answers without touching the database at all.
 *
 * Methods may answer synchronously (an in-memory index) or with a promise (SQL). The engine awaits
 * only promises, so a synchronous graph is traversed in one uninterrupted run.
 */
import type { AssociationType, EntityKind } from '../core/model.js';

/** Which end of an association a hop starts from. */
export type HopDirection = 'out' | 'in';

/** One association, seen from the vertex it was reached from. */
export interface LineageHop {
  readonly sourceId: number;
  readonly destinationId: number;
  readonly type: AssociationType | null;
}

/** The attributes of an entity that traversal, visibility and every filter but Properties need. */
export interface LineageVertex {
  readonly id: number;
  readonly arn: string;
  readonly kind: EntityKind;
  /** The stored type string (ArtifactType, ActionType, ContextType, a trial component's SourceType). */
  readonly type: string | null;
  readonly account: string;
  readonly region: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly modifiedAt: number;
}

export type MaybePromise<T> = T | Promise<T>;

export interface LineageGraph {
  /** The entity ids named by these ARNs (unknown ARNs are left out). */
  lineageIdsOf(arns: readonly string[]): MaybePromise<ReadonlyMap<string, number>>;
  /**
   * Associations whose source (`out`) or destination (`in`) is one of `ids`. Each association
   * appears once per direction asked, in no particular order.
   */
  lineageHops(ids: readonly number[], direction: HopDirection): MaybePromise<readonly LineageHop[]>;
  /** The vertices of these ids that exist, in no particular order. */
  lineageVertices(ids: readonly number[]): MaybePromise<readonly LineageVertex[]>;
  /** The properties of these ids (kept apart: only a Properties filter needs them). */
  lineageProperties(ids: readonly number[]): MaybePromise<ReadonlyMap<number, Readonly<Record<string, string>>>>;
}
