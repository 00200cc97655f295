/**
 * Makes a data directory belong to one process at a time. The lock is an exclusive SQLite lock on
 * a small side file, which is an OS file lock underneath: it is released when the process exits in
 * any way, so a crash never leaves a stale lock behind (unlike a PID file).
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { StoreLocked } from '../store.js';

export interface ProcessLock {
  release(): void;
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

export function acquireProcessLock(databasePath: string): ProcessLock {
  const lockPath = `${databasePath}.lock`;
  let db: Db;
  try {
    db = new Database(lockPath, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write under EXCLUSIVE mode takes the lock and keeps it until the connection closes.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder;');
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (e) {
    if (isBusy(e)) throw new StoreLocked(databasePath);
    throw e;
  }
  return { release: () => db.close() };
}
