/**
 * Acknowledged writes survive SIGKILL (DESIGN §10), on both backends, with `stemma serve` as a
 * real child process: a concurrent write load (lineage entities, associations, tags, experiments,
 * trials, trial components, memberships) records every acknowledged write; the server is killed
 * at a seeded random moment, restarted, and must still have every one of them, with a consistent
 * store (SQLite: `PRAGMA integrity_check` and foreign keys; both: the cross-table invariants of
 * store-integrity.ts). Several kill cycles per run.
 *
 * On PostgreSQL it is the Stemma process that dies; the database server stays up (the test
 * cluster runs without fsync, so killing it would test nothing of Stemma's).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath } from '../../src/storage/open-store.js';
import type { ServeProcess } from '../cli-process.js';
import { runStemma, spawnServe, waitForExit } from '../cli-process.js';
import { tempDir, testBackend } from '../harness.js';
import type { TestDatabase } from '../postgres-databases.js';
import { freshDatabase } from '../postgres-databases.js';
import { iterations, printSummary, seed, testTimeout } from './reliability-env.js';
import type { StoreProbe } from './store-fingerprint.js';
import { postgresProbe, sqliteProbe } from './store-fingerprint.js';
import { integrityProblems, sqliteFileProblems } from './store-integrity.js';
import { seededRandom } from '../../src/core/random.js';
import { Ledger, missingWrites, sdkClient, writeUntilDown } from './write-load.js';

const SEED = seed(7_031);
const KILLS = iterations(3, 20);
const WORKERS = 6;
const QUOTAS = 'artifact=1000000,action=1000000,association=1000000,context=1000000';

const dirs: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const db of databases) await db.drop();
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('durability across SIGKILL', { timeout: testTimeout() }, () => {
  it('keeps every acknowledged write through several kills, and the store stays consistent', async () => {
    const backend = testBackend();
    const data = tempDir();
    dirs.push(data);
    const db = backend === 'postgres' ? await freshDatabase() : undefined;
    if (db) databases.push(db);
    const args = ['--data', data, '--quotas', QUOTAS, ...(db ? ['--db', db.url] : [])];
    const random = seededRandom(SEED);
    const ledger = new Ledger();
    const problems: string[] = [];
    let lost = 0;
    let inconsistencies = 0;

    const openProbe = (): Promise<StoreProbe> => (db ? postgresProbe(db.url) : Promise.resolve(sqliteProbe(databasePath(data))));
    const verify = async (server: ServeProcess, cycle: number): Promise<void> => {
      const client = sdkClient(server.url);
      const probe = await openProbe();
      try {
        const missing = await missingWrites(client, ledger);
        lost += missing.length;
        problems.push(...missing.slice(0, 10).map((m) => `after kill ${cycle}: lost ${m}`));
        const inconsistent = [...(await integrityProblems(probe)), ...(db ? [] : await sqliteFileProblems(probe))];
        inconsistencies += inconsistent.length;
        problems.push(...inconsistent.map((p) => `after kill ${cycle}: ${p}`));
        if (!db && !server.stderr().includes('recovered after an unclean shutdown')) problems.push(`after kill ${cycle}: no recovery check logged`);
      } finally {
        client.destroy();
        await probe.close();
      }
    };

    for (let cycle = 0; cycle <= KILLS; cycle++) {
      const server = await spawnServe(args);
      if (cycle > 0) await verify(server, cycle);
      if (cycle === KILLS) {
        server.child.kill('SIGTERM');
        await waitForExit(server.child);
        break;
      }
      // Writers run until the connection fails; the kill comes after a seeded number of
      // acknowledged writes plus a seeded few milliseconds, so it lands mid-request.
      const target = ledger.writes + 40 + Math.floor(random() * 200);
      const pause = Math.floor(random() * 15);
      let running = WORKERS;
      const clients = Array.from({ length: WORKERS }, () => sdkClient(server.url));
      const workers = clients.map((client, w) =>
        writeUntilDown(client, ledger, `r${cycle}w${w}`, seededRandom(SEED + cycle * 100 + w)).finally(() => running--),
      );
      while (ledger.writes < target && running > 0) await sleep(2);
      await sleep(pause);
      server.child.kill('SIGKILL');
      await Promise.all(workers);
      for (const c of clients) c.destroy();
      await waitForExit(server.child);
    }

    printSummary('durability', { backend, kills: KILLS, writesAcknowledged: ledger.writes, lost, integrityProblems: inconsistencies, seed: SEED });
    expect(problems).toEqual([]);
    expect(lost).toBe(0);
  });

  it.runIf(testBackend() === 'sqlite')('refuses to start a second server on a data directory in use', async () => {
    const data = tempDir();
    dirs.push(data);
    const first = await spawnServe(['--data', data]);
    try {
      const second = await runStemma(['serve', '--port', '0', '--data', data]);
      expect(second.code).not.toBe(0);
      expect(second.stderr).toContain('in use by another Stemma process');
    } finally {
      first.child.kill('SIGTERM');
      await waitForExit(first.child);
    }
    // Once the first has stopped, the directory can be opened again.
    const third = await spawnServe(['--data', data]);
    third.child.kill('SIGTERM');
    await waitForExit(third.child);
  });
});
