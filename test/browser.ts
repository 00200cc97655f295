/**
 * Browser tests drive Debian's Chromium through playwright-core (no downloaded browsers), headless,
 * with a fresh profile and no background traffic. Screenshots go to test-artifacts/ (git-ignored).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.js';
import { tempDir } from './harness.js';

export const CHROMIUM = process.env['STEMMA_CHROMIUM'] ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve(import.meta.dirname, '..', 'test-artifacts');

export interface BrowserSession {
  /** A context on a fresh profile directory (removed on close). */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<BrowserSession> {
  const profile = tempDir('stemma-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The web explorer built into a fresh directory, for a test server's `webRoot`. */
export async function builtExplorer(): Promise<string> {
  return buildWeb(join(tempDir('stemma-web-'), 'web'));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** What the explorer exposes as `window.stemmaExplorer` (web/src/main.ts), as far as tests read it. */
export interface ExplorerProbe {
  readonly state: 'idle' | 'loading' | 'ready' | 'error';
  readonly loads: number;
  readonly model: {
    readonly nodes: Map<string, { arn: string; label: string; lineageType: string; type: string }>;
    readonly edges: Map<string, { source: string; target: string; associationType: string }>;
  };
  readonly renderer: {
    readonly view: { x: number; y: number; k: number };
    readonly frameTimes: number[];
    screenCenter(arn: string): { x: number; y: number } | undefined;
    centerOn(arn: string, k?: number): void;
    visibleNodes(): unknown[];
    zoomAt(factor: number, x: number, y: number): void;
    panBy(dx: number, dy: number): void;
    fit(): void;
  };
  readonly timings: { queryMs: number; layoutMs: number; firstDrawMs: number } | null;
  readonly truncated: boolean;
}

/** The page's global object, inside `page.evaluate` callbacks (tests compile without DOM types). */
export interface ExplorerGlobal {
  stemmaExplorer?: ExplorerProbe;
  requestAnimationFrame(callback: (now: number) => void): number;
  readonly location: { hash: string };
}
