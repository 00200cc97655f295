/**
 * SQLite's rows: JSON columns are text, flags are 0/1 (mapping shared in sql/rows.ts).
 */
import type { AssociationRecord, EntityRecord, LineageGroupRecord, LineageShareRecord, ResourceRecord } from '../../core/model.js';
import type { ColumnDecoder, DbAssociation, DbEntity, DbLineageGroup, DbLineageShare, DbResource } from '../sql/rows.js';
import * as rows from '../sql/rows.js';

export type { DbAssociation, DbEntity, DbLineageGroup, DbLineageShare, DbResource } from '../sql/rows.js';

const COLUMNS: ColumnDecoder = {
  json: <T>(value: unknown): T => JSON.parse(value as string) as T,
  flag: (value) => value === 1,
};

export const toEntityRecord = (row: DbEntity): EntityRecord => rows.toEntityRecord(row, COLUMNS);
export const toAssociationRecord = (row: DbAssociation): AssociationRecord => rows.toAssociationRecord(row, COLUMNS);
export const toLineageGroupRecord = (row: DbLineageGroup): LineageGroupRecord => rows.toLineageGroupRecord(row, COLUMNS);
export const toLineageShareRecord = (row: DbLineageShare): LineageShareRecord => rows.toLineageShareRecord(row, COLUMNS);
export const toResourceRecord = (row: DbResource): ResourceRecord => rows.toResourceRecord(row, COLUMNS);
