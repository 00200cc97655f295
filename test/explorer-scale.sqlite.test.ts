/**
 * The explorer on a 10,000-entity answer: a generated platform graph (bench/platform-graph.ts)
 * queried in both directions from an endpoint, which reaches every one of its 10,007 entities.
 * The test checks that everything arrives, is laid out and drawn, and that panning draws frames; it
 * records (never asserts) the timings: query, layout in ELK's worker, the longest main-thread stall
 * while loading, and frame times while panning close up and over the whole graph. They are printed
 * and written to test-artifacts/explorer-10k-timings.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformGraph } from '../bench/platform-graph.js';
import { generatePlatformGraph } from '../bench/platform-graph.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { BrowserSession, ExplorerGlobal } from './browser.js';
import { ARTIFACTS, builtExplorer, launchChromium, screenshot } from './browser.js';
import type { TestServer } from './harness.js';
import { startTestServer } from './harness.js';

let server: TestServer;
let session: BrowserSession;
let graph: PlatformGraph;

beforeAll(async () => {
  server = await startTestServer({ webRoot: await builtExplorer(), quotas: null });
  const store = server.running.store;
  if (!(store instanceof SqliteStore)) throw new Error('expected the embedded store');
  graph = await generatePlatformGraph(store, { entities: 10_000, seed: 11 });
  session = await launchChromium();
}, 120_000);
afterAll(async () => {
  await session?.close();
  await server?.close();
});

interface FrameStats {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

function stats(values: readonly number[]): FrameStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 10) / 10;
  return { frames: sorted.length, p50: at(0.5), p95: at(0.95), max: at(1) };
}

/** Starts recording the gaps between animation frames: a long gap is a frozen page. */
async function recordFrameGaps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as ExplorerGlobal & { frameGaps: number[]; recording: boolean };
    g.frameGaps = [];
    g.recording = true;
    let last = performance.now();
    const tick = (now: number) => {
      g.frameGaps.push(now - last);
      last = now;
      if (g.recording) g.requestAnimationFrame(tick);
    };
    g.requestAnimationFrame(tick);
  });
}

async function stopFrameGaps(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { frameGaps: number[]; recording: boolean };
    g.recording = false;
    return g.frameGaps;
  });
}

/** Drags the canvas in small steps, as a hand would, and returns the draw times of the frames it caused. */
async function pan(page: Page, steps: number): Promise<{ draw: FrameStats; gaps: FrameStats; totalMs: number }> {
  const box = (await page.locator('#graph').boundingBox())!;
  const before = await page.evaluate(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer!.renderer.frameTimes.length);
  await recordFrameGaps(page);
  const t0 = Date.now();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    const angle = (i / steps) * Math.PI * 2;
    await page.mouse.move(box.x + box.width / 2 + Math.cos(angle) * 300 + i * 4, box.y + box.height / 2 + Math.sin(angle) * 200);
  }
  await page.mouse.up();
  await page.evaluate(() => {
    const g = globalThis as unknown as ExplorerGlobal;
    return new Promise((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(r)));
  });
  const totalMs = Date.now() - t0;
  const gaps = await stopFrameGaps(page);
  const draws = await page.evaluate((n) => (globalThis as unknown as ExplorerGlobal).stemmaExplorer!.renderer.frameTimes.slice(n), before);
  return { draw: stats(draws), gaps: stats(gaps.slice(1)), totalMs };
}

describe('the web explorer at 10,000 entities', () => {
  it('loads, lays out and draws a 10,007-entity answer, and pans it close up and whole', async () => {
    const page = await session.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      const step = (what: string) => process.stderr.write(`explorer at 10k: ${what}\n`);
      await page.goto(server.url + '/');
      await page.waitForFunction(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer !== undefined);
      // Load in the same document, so one recorder sees the whole load: query, worker layout, first draw.
      await recordFrameGaps(page);
      const t0 = Date.now();
      await page.evaluate((arn) => {
        (globalThis as unknown as ExplorerGlobal).location.hash = new URLSearchParams({ arn, depth: '10' }).toString();
      }, graph.endpointArn);
      await page.waitForFunction(() => {
        const x = (globalThis as unknown as ExplorerGlobal).stemmaExplorer;
        return x !== undefined && x.loads > 0 && (x.state === 'ready' || x.state === 'error');
      }, undefined, { timeout: 170_000, polling: 250 });
      const loadMs = Date.now() - t0;
      step(`ready after ${loadMs} ms`);
      const loadingGaps = stats((await stopFrameGaps(page)).slice(1));
      const probe = await page.evaluate(() => {
        const x = (globalThis as unknown as ExplorerGlobal).stemmaExplorer!;
        return { state: x.state, nodes: x.model.nodes.size, edges: x.model.edges.size, timings: x.timings, truncated: x.truncated, visible: x.renderer.visibleNodes().length };
      });
      expect(probe.state).toBe('ready');
      expect(probe.nodes).toBe(graph.entities);
      expect(probe.edges).toBe(graph.associations);
      expect(probe.truncated).toBe(false);
      expect(probe.visible).toBeGreaterThan(0);
      expect(await page.locator('#status').textContent()).toContain('10,007 entities');
      await screenshot(page, 'explorer-10k-close-up');

      const closeUp = await pan(page, 60);
      await page.evaluate(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer!.renderer.fit());
      await page.evaluate(() => {
    const g = globalThis as unknown as ExplorerGlobal;
    return new Promise((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(r)));
  });
      const wholeVisible = await page.evaluate(() => (globalThis as unknown as ExplorerGlobal).stemmaExplorer!.renderer.visibleNodes().length);
      expect(wholeVisible).toBe(graph.entities);
      await screenshot(page, 'explorer-10k-whole');
      const whole = await pan(page, 60);
      expect(closeUp.draw.frames).toBeGreaterThan(5);
      expect(whole.draw.frames).toBeGreaterThan(5);
      expect(problems).toEqual([]);

      const report = {
        entities: probe.nodes,
        associations: probe.edges,
        hashChangeToReadyMs: loadMs,
        explorerTimingsMs: probe.timings,
        mainThreadFrameGapsWhileLoadingMs: loadingGaps,
        panCloseUp: closeUp,
        panWholeGraph: whole,
      };
      writeFileSync(join(ARTIFACTS, 'explorer-10k-timings.json'), JSON.stringify(report, null, 2));
      process.stdout.write(`explorer at 10k: ${JSON.stringify(report)}\n`);
    } finally {
      await page.close();
    }
  }, 240_000);
});
