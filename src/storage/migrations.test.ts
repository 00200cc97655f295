import { describe, expect, it } from 'vitest';
import { pendingMigrations } from './migrations.js';

const known = [{ id: 1 }, { id: 2 }, { id: 3 }];

describe('pendingMigrations', () => {
  it('runs every migration of an empty database, in id order', () => {
    expect(pendingMigrations([{ id: 2 }, { id: 1 }], [], 'db').map((m) => m.id)).toEqual([1, 2]);
  });

  it('runs a migration missing below the highest applied one', () => {
    expect(pendingMigrations(known, [1, 3], 'db').map((m) => m.id)).toEqual([2]);
  });

  it('runs nothing when every migration is recorded', () => {
    expect(pendingMigrations(known, [3, 1, 2], 'db')).toEqual([]);
  });

  it('refuses a database migrated by a newer Stemma', () => {
    expect(() => pendingMigrations(known, [1, 2, 3, 4], 'db')).toThrow(/schema version 4, newer than this Stemma knows \(3\)/);
  });

  it('refuses a database recording a migration this Stemma does not know', () => {
    expect(() => pendingMigrations([{ id: 1 }, { id: 3 }], [1, 2], 'db')).toThrow(/records schema migration 2, which this Stemma does not know/);
  });
});
