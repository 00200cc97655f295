import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract, entity } from '../store.contract.js';
import { StoreLocked } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'stemma-sqlite-'));
let n = 0;
// A store's last file writes (WAL, lock) can land while the directory is being removed; retry as rm -r would.
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));

describeStoreContract('sqlite', () => Promise.resolve(SqliteStore.open({ path: join(dir, `contract-${n++}.db`) })));

describe('SqliteStore', () => {
  it('keeps data across close and reopen, without an integrity check after a clean close', async () => {
    const path = join(dir, 'reopen.db');
    const first = SqliteStore.open({ path });
    await first.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:kept' })));
    await first.close();
    let recovered = false;
    const second = SqliteStore.open({ path, onRecovery: () => (recovered = true) });
    expect(await second.read((r) => r.getEntityByArn('arn:kept'))).toBeDefined();
    expect(recovered).toBe(false);
    await second.close();
  });

  it('refuses a second open of the same database while the first is open', async () => {
    const path = join(dir, 'locked.db');
    const first = SqliteStore.open({ path });
    expect(() => SqliteStore.open({ path })).toThrow(StoreLocked);
    await first.close();
    const again = SqliteStore.open({ path });
    await again.close();
  });

  it('runs the integrity check when the last process did not close the store', async () => {
    const path = join(dir, 'crashed.db');
    const first = SqliteStore.open({ path });
    await first.transaction((tx) => tx.insertEntity(entity({ arn: 'arn:before-crash' })));
    // Simulate a crash: release the file without the clean-close marker.
    first.abandon();
    let result = '';
    const second = SqliteStore.open({ path, onRecovery: (r) => (result = r) });
    expect(result).toBe('ok');
    expect(await second.read((r) => r.getEntityByArn('arn:before-crash'))).toBeDefined();
    await second.close();
  });
});
