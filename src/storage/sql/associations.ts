/**
 * Association writes that are the same SQL on both backends (`?` placeholders; `TRUE` is a
 * boolean in PostgreSQL and 1 in SQLite, matching how each stores `automatic`).
 */

/** Removes the associations Stemma made itself, of one type, that start or end at an entity. */
export const DELETE_AUTOMATIC_ASSOCIATIONS_OF_SQL =
  'DELETE FROM associations WHERE type = ? AND automatic = TRUE AND (source_id = ? OR destination_id = ?)';
