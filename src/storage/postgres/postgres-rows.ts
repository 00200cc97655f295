/**
 * Row types as PostgreSQL returns them through the store's type parsers (snake_case, `jsonb`
 * already parsed, `bigint` as number, real booleans) and their mapping to domain records. Mapping
 * happens only here, at the storage boundary.
 */
import type {
  AssociationRecord,
  AssociationType,
  EntityKind,
  EntityRecord,
  LineageGroupRecord,
  ResourceRecord,
  UserContext,
} from '../../core/model.js';

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
  properties: Record<string, string>;
  attrs: Record<string, unknown>;
  created_at: number;
  created_by: UserContext;
  modified_at: number;
  modified_by: UserContext;
  automatic: boolean;
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
  created_by: UserContext;
  automatic: boolean;
}

export interface DbLineageGroup {
  account: string;
  region: string;
  name: string;
  arn: string;
  created_at: number;
  created_by: UserContext;
}

export function toEntityRecord(row: DbEntity): EntityRecord {
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
    properties: row.properties,
    attrs: row.attrs,
    createdAt: row.created_at,
    createdBy: row.created_by,
    modifiedAt: row.modified_at,
    modifiedBy: row.modified_by,
    automatic: row.automatic,
  };
}

export function toAssociationRecord(row: DbAssociation): AssociationRecord {
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
    createdBy: row.created_by,
    automatic: row.automatic,
  };
}

export function toLineageGroupRecord(row: DbLineageGroup): LineageGroupRecord {
  return {
    account: row.account,
    region: row.region,
    name: row.name,
    arn: row.arn,
    createdAt: row.created_at,
    createdBy: row.created_by,
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
  doc: Record<string, unknown>;
}

export function toResourceRecord(row: DbResource): ResourceRecord {
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
    doc: row.doc,
  };
}
