/**
 * The lineage columns of an entity and of an association as both backends return them
 * (PostgreSQL's bigint parsed to a number by its pool), and their mapping to the engine's vertex
 * and hop.
 */
import type { AssociationType, EntityKind } from '../../core/model.js';
import type { LineageHop, LineageVertex } from '../lineage-graph.js';

/** The columns of an entity that lineage traversal reads (lineage-graph.ts). */
export interface DbLineageVertex {
  id: number;
  arn: string;
  kind: string;
  type: string | null;
  account: string;
  region: string;
  created_at: number;
  modified_at: number;
}

export function toLineageVertex(row: DbLineageVertex): LineageVertex {
  return {
    id: row.id,
    arn: row.arn,
    kind: row.kind as EntityKind,
    type: row.type,
    account: row.account,
    region: row.region,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

/** The columns of an association that lineage traversal reads. */
export interface DbLineageHop {
  source_id: number;
  destination_id: number;
  type: string | null;
}

export function toLineageHop(row: DbLineageHop): LineageHop {
  return { sourceId: row.source_id, destinationId: row.destination_id, type: row.type as AssociationType | null };
}
