/**
 * Stored rows (snake_case columns) and their mapping to domain records, for both backends. They
 * differ only in how a JSON column or a flag arrives: SQLite returns JSON as text and flags as 0/1,
 * PostgreSQL (through its pool's type parsers) parsed `jsonb` and real booleans. Each backend passes
 * its {@link ColumnDecoder}; mapping happens only here, at the storage boundary.
 */
import type {
  AssociationRecord,
  AssociationType,
  EntityKind,
  EntityRecord,
  LineageGroupRecord,
  LineageShareRecord,
  ResourceRecord,
  UserContext,
} from '../../core/model.js';

/** How a backend's driver delivers JSON columns and boolean flags. */
export interface ColumnDecoder {
  json<T>(value: unknown): T;
  flag(value: unknown): boolean;
}

export interface DbEntity {
  id: number;
  arn: string;
  account: string;
  region: string;
  kind: string;
  name: string | null;
  type: string | null;
  source_uri: string | null;
  status: string | null;
  description: string | null;
  properties: unknown;
  attrs: unknown;
  created_at: number;
  created_by: unknown;
  modified_at: number;
  modified_by: unknown;
  automatic: unknown;
}

export interface DbAssociation {
  id: number;
  source_id: number;
  destination_id: number;
  source_arn: string;
  destination_arn: string;
  source_type: string | null;
  destination_type: string | null;
  source_name: string | null;
  destination_name: string | null;
  type: string | null;
  account: string;
  region: string;
  created_at: number;
  created_by: unknown;
  automatic: unknown;
}

export interface DbLineageGroup {
  account: string;
  region: string;
  name: string;
  arn: string;
  created_at: number;
  created_by: unknown;
}

export function toEntityRecord(row: DbEntity, columns: ColumnDecoder): EntityRecord {
  return {
    id: row.id,
    arn: row.arn,
    account: row.account,
    region: row.region,
    kind: row.kind as EntityKind,
    name: row.name,
    type: row.type,
    sourceUri: row.source_uri,
    status: row.status,
    description: row.description,
    properties: columns.json<Record<string, string>>(row.properties),
    attrs: columns.json<Record<string, unknown>>(row.attrs),
    createdAt: row.created_at,
    createdBy: columns.json<UserContext>(row.created_by),
    modifiedAt: row.modified_at,
    modifiedBy: columns.json<UserContext>(row.modified_by),
    automatic: columns.flag(row.automatic),
  };
}

export function toAssociationRecord(row: DbAssociation, columns: ColumnDecoder): AssociationRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    destinationId: row.destination_id,
    sourceArn: row.source_arn,
    destinationArn: row.destination_arn,
    sourceType: row.source_type,
    destinationType: row.destination_type,
    sourceName: row.source_name,
    destinationName: row.destination_name,
    type: row.type as AssociationType | null,
    account: row.account,
    region: row.region,
    createdAt: row.created_at,
    createdBy: columns.json<UserContext>(row.created_by),
    automatic: columns.flag(row.automatic),
  };
}

export interface DbLineageShare {
  owner_account: string;
  region: string;
  grantee_account: string;
  granted_at: number;
  granted_by: unknown;
}

export function toLineageShareRecord(row: DbLineageShare, columns: ColumnDecoder): LineageShareRecord {
  return {
    ownerAccount: row.owner_account,
    region: row.region,
    granteeAccount: row.grantee_account,
    grantedAt: Number(row.granted_at),
    grantedBy: columns.json<UserContext>(row.granted_by),
  };
}

export function toLineageGroupRecord(row: DbLineageGroup, columns: ColumnDecoder): LineageGroupRecord {
  return {
    account: row.account,
    region: row.region,
    name: row.name,
    arn: row.arn,
    createdAt: row.created_at,
    createdBy: columns.json<UserContext>(row.created_by),
  };
}

export interface DbResource {
  id: number;
  account: string;
  region: string;
  kind: string;
  name: string;
  arn: string;
  status: string | null;
  created_at: number;
  modified_at: number;
  doc: unknown;
}

export function toResourceRecord(row: DbResource, columns: ColumnDecoder): ResourceRecord {
  return {
    id: row.id,
    account: row.account,
    region: row.region,
    kind: row.kind,
    name: row.name,
    arn: row.arn,
    status: row.status,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    doc: columns.json<Record<string, unknown>>(row.doc),
  };
}
