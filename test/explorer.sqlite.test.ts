/**
 * The web explorer in Chromium, against a server seeded with a small fraud-detection platform: a
 * new user's path to "which datasets trained the model behind endpoint X?", then expansion, details
 * and a deep link. Runs on SQLite only: the browser exercises the page, not the store.
 */
import type { AssociationEdgeType } from '@aws-sdk/client-sagemaker';
import { AddAssociationCommand, CreateActionCommand, CreateArtifactCommand, CreateContextCommand, CreateTrialComponentCommand } from '@aws-sdk/client-sagemaker';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession, ExplorerGlobal } from './browser.js';
import { builtExplorer, launchChromium, screenshot } from './browser.js';
import type { TestServer } from './harness.js';
import { startTestServer } from './harness.js';

let server: TestServer;
let session: BrowserSession;
const arns: Record<string, string> = {};

async function seed(): Promise<void> {
  const sm = server.client();
  const artifact = async (key: string, uri: string, type: string) => {
    arns[key] = (await sm.send(new CreateArtifactCommand({ ArtifactType: type, Source: { SourceUri: uri } }))).ArtifactArn!;
  };
  const action = async (name: string, type: string) => {
    arns[name] = (await sm.send(new CreateActionCommand({ ActionName: name, ActionType: type, Source: { SourceUri: `job/${name}` } }))).ActionArn!;
  };
  await artifact('raw', 's3://fraud/raw/transactions.csv', 'DataSet');
  await artifact('train', 's3://fraud/features/train.csv', 'DataSet');
  await artifact('validation', 's3://fraud/features/validation.csv', 'DataSet');
  await artifact('image', '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7', 'Image');
  await artifact('model', 's3://fraud/models/model.tar.gz', 'Model');
  await artifact('scored', 's3://fraud/scored/2024-06.csv', 'DataSet');
  await action('fraud-prep-job', 'ProcessingJob');
  await action('fraud-train-job', 'TrainingJob');
  await action('fraud-deploy', 'ModelDeployment');
  await action('fraud-batch-transform', 'TransformJob');
  arns['endpoint'] = (await sm.send(new CreateContextCommand({ ContextName: 'fraud-endpoint', ContextType: 'Endpoint', Source: { SourceUri: 'endpoint/fraud' } }))).ContextArn!;
  await sm.send(new CreateContextCommand({ ContextName: 'fraud-endpoint-canary', ContextType: 'Endpoint', Source: { SourceUri: 'endpoint/fraud-canary' } }));
  // An evaluation run recorded as a trial component (Experiments), fed by the model.
  arns['fraud-eval'] = (
    await sm.send(new CreateTrialComponentCommand({ TrialComponentName: 'fraud-eval', DisplayName: 'fraud-model-evaluation', Status: { PrimaryStatus: 'Completed' }, Parameters: { threshold: { NumberValue: 0.7 } } }))
  ).TrialComponentArn!;
  const link = (from: string, to: string, type: string) =>
    sm.send(new AddAssociationCommand({ SourceArn: arns[from], DestinationArn: arns[to], AssociationType: type as AssociationEdgeType }));
  await link('raw', 'fraud-prep-job', 'ContributedTo');
  await link('fraud-prep-job', 'train', 'Produced');
  await link('fraud-prep-job', 'validation', 'Produced');
  await link('train', 'fraud-train-job', 'ContributedTo');
  await link('validation', 'fraud-train-job', 'ContributedTo');
  await link('image', 'fraud-train-job', 'ContributedTo');
  await link('fraud-train-job', 'model', 'Produced');
  await link('model', 'fraud-deploy', 'ContributedTo');
  await link('fraud-deploy', 'endpoint', 'AssociatedWith');
  // Downstream of the model but not upstream of the endpoint: only expansion brings it in.
  await link('model', 'fraud-batch-transform', 'ContributedTo');
  await link('fraud-batch-transform', 'scored', 'Produced');
  await link('model', 'fraud-eval', 'ContributedTo');
}

beforeAll(async () => {
  server = await startTestServer({ webRoot: await builtExplorer() });
  await seed();
  session = await launchChromium();
}, 120_000);
afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** Waits until the explorer has finished the load after `after` (its load counter). */
async function settled(page: Page, after: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const x = (globalThis as unknown as ExplorerGlobal).stemmaExplorer;
      return x !== undefined && x.loads > n && (x.state === 'ready' || x.state === 'error');
    },
    after,
    { timeout: 20_000 },
  );
  expect(await page.evaluate(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer?.state)).toBe('ready');
}

const loads = (page: Page) => page.evaluate(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer?.loads ?? 0);
const shownArns = (page: Page) => page.evaluate(() => [...((globalThis as unknown as ExplorerGlobal).stemmaExplorer?.model.nodes.keys() ?? [])].sort());
const names = (keys: string[]) => keys.map((k) => arns[k]!).sort();

async function clickNode(page: Page, arn: string): Promise<void> {
  const at = await page.evaluate((a) => (globalThis as unknown as ExplorerGlobal).stemmaExplorer?.renderer.screenCenter(a), arn);
  if (!at) throw new Error(`${arn} is not laid out`);
  const box = (await page.locator('#graph').boundingBox())!;
  await page.mouse.click(box.x + at.x, box.y + at.y);
}

describe('the web lineage explorer', () => {
  it('answers "which datasets trained the model behind this endpoint?" in a few clicks, then expands, describes and deep-links', async () => {
    const page = await session.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(server.url + '/');
    await expect.poll(() => page.locator('#intro').isVisible()).toBe(true);
    await screenshot(page, 'explorer-1-start');

    // Search by name: both endpoints come up; pick the production one.
    const before = await loads(page);
    await page.fill('#search', 'fraud-end');
    await page.locator('.search-result', { hasText: 'fraud-endpoint-canary' }).waitFor();
    expect(await page.locator('.search-result').count()).toBe(2);
    await screenshot(page, 'explorer-2-search');
    await page.locator('.search-result').filter({ hasText: /^fraud-endpoint(?!-)/ }).click();
    await settled(page, before);
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('arn')).toBe(arns['endpoint']);
    expect(await page.locator('#details-title').textContent()).toBe('fraud-endpoint');
    await expect.poll(() => page.locator('#details-fields').textContent()).toContain('Endpoint');

    // Upstream, deep enough to reach the raw data.
    let n = await loads(page);
    await page.selectOption('#direction', 'Ascendants');
    await settled(page, n);
    n = await loads(page);
    await page.fill('#depth', '6');
    await page.locator('#depth').dispatchEvent('change');
    await settled(page, n);
    expect(await shownArns(page)).toEqual(
      names(['endpoint', 'fraud-deploy', 'model', 'fraud-train-job', 'train', 'validation', 'image', 'fraud-prep-job', 'raw']),
    );

    // Only DataSet artifacts: the answer is listed beside the graph, by source URI.
    n = await loads(page);
    await page.check('input[name="lineageType"][value="Artifact"]');
    await settled(page, n);
    n = await loads(page);
    await page.fill('#types', 'DataSet');
    await page.locator('#types').dispatchEvent('change');
    await settled(page, n);
    await expect
      .poll(() => page.locator('#match-list li').allTextContents())
      .toEqual(['s3://fraud/features/train.csv (DataSet)', 's3://fraud/features/validation.csv (DataSet)', 's3://fraud/raw/transactions.csv (DataSet)'].sort());
    expect(await page.locator('#matches h3').textContent()).toBe('Matching the filter: 3');
    // The paths to the datasets stay on screen (dimmed); the image, matching no filter and on no path, is gone.
    const shown = await shownArns(page);
    expect(shown).toContain(arns['fraud-train-job']);
    expect(shown).not.toContain(arns['image']);
    const edgeTypes = await page.evaluate(() => [...((globalThis as unknown as ExplorerGlobal).stemmaExplorer?.model.edges.values() ?? [])].map((e) => e.associationType).sort());
    expect(new Set(edgeTypes)).toEqual(new Set(['AssociatedWith', 'ContributedTo', 'Produced']));
    await screenshot(page, 'explorer-3-datasets-behind-endpoint');

    // Click the model on the canvas: its Describe shows; expand it to reveal what else it feeds.
    await clickNode(page, arns['model']!);
    await expect.poll(() => page.locator('#details-title').textContent()).toBe('s3://fraud/models/model.tar.gz');
    await expect.poll(() => page.locator('#details-fields').textContent()).toContain('ArtifactType');
    expect(new URL(page.url()).hash).toContain('selected=');
    n = await loads(page);
    await page.click('#expand');
    await settled(page, n);
    expect(await shownArns(page)).toContain(arns['fraud-batch-transform']);
    expect(await page.locator('#expand').textContent()).toBe('Neighbours shown');
    await page.evaluate(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer?.renderer.zoomAt(1.6, 500, 400));
    await screenshot(page, 'explorer-4-expanded-model');

    // The URL holds the whole view: a fresh page opened on it shows the same thing.
    const link = page.url();
    const hash = new URLSearchParams(new URL(link).hash.slice(1));
    expect(Object.fromEntries(hash)).toMatchObject({ direction: 'Ascendants', depth: '6', lineageTypes: 'Artifact', types: 'DataSet', expanded: arns['model'], selected: arns['model'] });
    const expected = await shownArns(page);
    const other = await session.context.newPage();
    try {
      await other.goto(link);
      await settled(other, 0);
      expect(await shownArns(other)).toEqual(expected);
      expect(await other.inputValue('#direction')).toBe('Ascendants');
      expect(await other.inputValue('#depth')).toBe('6');
      expect(await other.isChecked('input[name="lineageType"][value="Artifact"]')).toBe(true);
      expect(await other.inputValue('#types')).toBe('DataSet');
      await expect.poll(() => other.locator('#details-title').textContent()).toBe('s3://fraud/models/model.tar.gz');
      await screenshot(other, 'explorer-5-deep-link');
    } finally {
      await other.close();
    }

    // "Lineage from here" makes the selected entity the start.
    n = await loads(page);
    await page.click('#focus');
    await settled(page, n);
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('arn')).toBe(arns['model']);
    await page.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('shows the Describe answer of every lineage type in the details panel', async () => {
    const page = await session.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${server.url}/#${new URLSearchParams({ arn: arns['model']!, depth: '2' }).toString()}`);
      await settled(page, 0);
      const cases: [string, string, RegExp][] = [
        ['model', 's3://fraud/models/model.tar.gz', /ArtifactArn.*SourceUri.*s3:\/\/fraud\/models\/model\.tar\.gz.*ArtifactType\s*Model/s],
        ['fraud-train-job', 'fraud-train-job', /ActionArn.*ActionType\s*TrainingJob/s],
        ['endpoint', 'fraud-endpoint', /ContextArn.*ContextType\s*Endpoint/s],
        // DescribeTrialComponent: its display name, status, parameters — not a generic summary.
        // Who made it reads as the identity's ARN, not as a JSON object.
        ['fraud-eval', 'fraud-model-evaluation', /TrialComponentArn.*Status\s*Completed.*TrialComponentName\s*fraud-eval.*CreatedByarn:aws:iam::000000000000:user\/.*Parameters.*threshold/s],
      ];
      for (const [key, title, fields] of cases) {
        await page.evaluate((a) => (globalThis as unknown as ExplorerGlobal).stemmaExplorer?.renderer.centerOn(a, 1), arns[key]!);
        await clickNode(page, arns[key]!);
        await expect.poll(() => page.locator('#details-title').textContent()).toBe(title);
        await expect.poll(() => page.locator('#details-fields').textContent()).toMatch(fields);
      }
      await screenshot(page, 'explorer-7-trial-component-details');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("opens stemma open's #arn= link with the default view, and says so when the entity is gone", async () => {
    const page = await session.context.newPage();
    try {
      await page.goto(`${server.url}/#${new URLSearchParams({ arn: arns['train']! }).toString()}`);
      await settled(page, 0);
      // Both directions, depth 3: from the prep job's input to the endpoint's deployment.
      const shown = await shownArns(page);
      expect(shown).toEqual(expect.arrayContaining(names(['train', 'fraud-prep-job', 'raw', 'validation', 'fraud-train-job', 'image', 'model'])));
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/entities/);
      await page.goto(`${server.url}/#arn=arn%3Aaws%3Asagemaker%3Aus-east-1%3A000000000000%3Acontext%2Fnope`);
      await page.waitForFunction(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer?.state === 'error');
      expect(await page.locator('#status').textContent()).toContain('ResourceNotFound');
      await screenshot(page, 'explorer-6-missing-entity');
    } finally {
      await page.close();
    }
  }, 60_000);
});
