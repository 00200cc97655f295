/**
 * Fresh PostgreSQL databases for tests, copied from the run's migrated template
 * (test/postgres-global-setup.ts). Each is dropped again by whoever created it.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { databasesAt, TEMPLATE_DATABASE } from './postgres-cluster.js';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const databases = databasesAt(inject('postgresSocketDir'));
  const name = `stemma_test_${randomBytes(6).toString('hex')}`;
  // template0 is PostgreSQL's pristine, empty database: what a new deployment starts from.
  await databases.createDatabase(name, options.migrated === false ? 'template0' : TEMPLATE_DATABASE);
  return { url: databases.url(name), drop: () => databases.dropDatabase(name) };
}
