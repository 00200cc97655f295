/**
 * The web explorer against a server in strict mode: the first refused request asks the user to
 * sign in; a wrong secret is refused with the server's reason and asked again; with a key of the
 * keys file, search, lineage and Describe work, signed in the browser.
 */
import { CreateArtifactCommand, CreateContextCommand, AddAssociationCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession, ExplorerGlobal } from './browser.js';
import { builtExplorer, launchChromium, screenshot } from './browser.js';
import type { TestServer } from './harness.js';
import { startTestServer } from './harness.js';

const alice = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret', account: '111111111111', identity: 'alice' };

let server: TestServer;
let session: BrowserSession;
let endpointArn: string;
let datasetArn: string;

beforeAll(async () => {
  server = await startTestServer({ webRoot: await builtExplorer(), keys: [alice] });
  const sm = server.client();
  datasetArn = (await sm.send(new CreateArtifactCommand({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://secure/train.csv' } }))).ArtifactArn!;
  endpointArn = (await sm.send(new CreateContextCommand({ ContextName: 'secure-endpoint', ContextType: 'Endpoint', Source: { SourceUri: 'endpoint/secure' } }))).ContextArn!;
  await sm.send(new AddAssociationCommand({ SourceArn: datasetArn, DestinationArn: endpointArn, AssociationType: 'ContributedTo' }));
  session = await launchChromium();
}, 120_000);
afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('the web explorer on a strict server', () => {
  it('asks for a sign-in, refuses a wrong secret, then works with a valid key', async () => {
    const page = await session.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url + '/');
    await page.fill('#search', 'secure');
    const dialog = page.locator('dialog#sign-in');
    await dialog.waitFor();
    expect(await page.locator('#sign-in-error').isHidden()).toBe(true);
    await screenshot(page, 'explorer-auth-1-sign-in');

    await page.fill('#sign-in-accessKeyId', alice.accessKeyId);
    await page.fill('#sign-in-secretAccessKey', 'not-the-secret');
    await page.click('dialog#sign-in button[type="submit"]');
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toMatch(/^InvalidSignatureException: The request signature we calculated/);
    expect(await page.inputValue('#sign-in-accessKeyId')).toBe(alice.accessKeyId);

    await page.fill('#sign-in-secretAccessKey', alice.secretAccessKey);
    await page.click('dialog#sign-in button[type="submit"]');
    await page.locator('.search-result', { hasText: 'secure-endpoint' }).waitFor();
    expect(await dialog.count()).toBe(0);
    await page.locator('.search-result', { hasText: 'secure-endpoint' }).click();
    await page.waitForFunction(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer?.state === 'ready', undefined, { timeout: 20_000 });
    const shown = await page.evaluate(() => [...((globalThis as unknown as ExplorerGlobal).stemmaExplorer?.model.nodes.keys() ?? [])].sort());
    expect(shown).toEqual([datasetArn, endpointArn].sort());
    await expect.poll(() => page.locator('#details-fields').textContent()).toContain('arn:aws:iam::111111111111:user/alice');
    await screenshot(page, 'explorer-auth-2-signed-in');
    // Kept for this tab's session, so a reload does not ask again.
    await page.reload();
    await page.fill('#search', 'secure');
    await page.locator('.search-result', { hasText: 'secure-endpoint' }).waitFor();
    expect(await page.locator('dialog#sign-in').count()).toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
