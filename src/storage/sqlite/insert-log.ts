/**
 * The inserts of a commit batch, for the lineage change log (`lineage_changes`, lineage-sync.ts).
 *
 * Updates and deletes of entities and associations are logged by triggers, one row each. Inserts
 * are the hot path of ingest, where a trigger per inserted row meant a sub-program, an
 * AUTOINCREMENT read and write and one more b-tree insert on every create and association. So the
 * writer's two INSERT statements (sqlite-tx.ts) note the rowid they got here, and just before its
 * COMMIT the store writes at most two rows for the whole batch, in the same transaction: the range
 * of entity ids and the range of association ids it inserted.
 *
 * A range is exact enough because the index re-reads the current row of every id it is told
 * about. The writer is the only one inserting, and a table's new rowid is its largest plus one, so
 * a batch's inserts get consecutive ids; an id in the range whose row a later transaction of the
 * batch deleted, or that a transaction undone inside the batch left unused, is simply found absent.
 */
import type { Database, Statement } from 'better-sqlite3';

/** Change-log ops (migration 2 has 1–4): every entity / association id in [a, b] was inserted. */
export const ENTITIES_INSERTED = 5;
export const ASSOCIATIONS_INSERTED = 6;

interface Range {
  first: number;
  last: number;
}

/** What the log held when a transaction began, to go back to if it is undone. */
export interface InsertLogMark {
  readonly entities: Range | undefined;
  readonly associations: Range | undefined;
}

export class InsertLog {
  private entities: Range | undefined;
  private associations: Range | undefined;
  private readonly insert: Statement;

  constructor(writer: Database) {
    this.insert = writer.prepare('INSERT INTO lineage_changes (op, a, b) VALUES (?, ?, ?)');
  }

  entityInserted(id: number): void {
    this.entities = widen(this.entities, id);
  }

  associationInserted(id: number): void {
    this.associations = widen(this.associations, id);
  }

  mark(): InsertLogMark {
    return { entities: this.entities && { ...this.entities }, associations: this.associations && { ...this.associations } };
  }

  /** A transaction rolled back to its savepoint: its inserts are gone. */
  rollbackTo(mark: InsertLogMark): void {
    this.entities = mark.entities;
    this.associations = mark.associations;
  }

  /** Writes the batch's rows; runs inside the batch's transaction, before COMMIT. */
  flush(): void {
    if (this.entities) this.insert.run(ENTITIES_INSERTED, this.entities.first, this.entities.last);
    if (this.associations) this.insert.run(ASSOCIATIONS_INSERTED, this.associations.first, this.associations.last);
    this.clear();
  }

  clear(): void {
    this.entities = undefined;
    this.associations = undefined;
  }
}

function widen(range: Range | undefined, id: number): Range {
  if (!range) return { first: id, last: id };
  if (id < range.first) range.first = id;
  if (id > range.last) range.last = id;
  return range;
}
