/**
 * Which schema migrations a database still needs, decided the same way on both backends: every
 * known migration whose id is not recorded as applied, in id order. Not "everything above the
 * highest applied id": a database that somehow ran 1 and 3 (a migration added on a branch, a
 * hand-applied fix) must still get 2.
 */
export interface MigrationId {
  readonly id: number;
}

/**
 * @param known this Stemma's migrations
 * @param applied ids recorded in the database's `schema_migrations`
 * @param location the database, for the error message
 * @throws when the database records a migration this Stemma does not know: a newer Stemma wrote it.
 */
export function pendingMigrations<M extends MigrationId>(known: readonly M[], applied: readonly number[], location: string): M[] {
  const knownIds = new Set(known.map((m) => m.id));
  const newest = Math.max(0, ...knownIds);
  const unknown = applied.filter((id) => !knownIds.has(id)).sort((a, b) => a - b);
  if (unknown.length > 0) {
    const highest = Math.max(...applied);
    throw new Error(
      highest > newest
        ? `The database at ${location} has schema version ${highest}, newer than this Stemma knows (${newest}). Upgrade Stemma to open it.`
        : `The database at ${location} records schema migration ${unknown.join(', ')}, which this Stemma does not know. Open it with the Stemma that wrote it.`,
    );
  }
  const done = new Set(applied);
  return known.filter((m) => !done.has(m.id)).sort((a, b) => a.id - b.id);
}
