/**
 * Builds the web explorer (web/) into a directory, `dist/web` by default: the bundle of
 * web/src/main.ts (esbuild), the page, its stylesheet, and ELK's Web Worker, which the page loads
 * by URL to lay graphs out off the main thread.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildWeb(outdir = join(root, 'dist', 'web')): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(root, 'web', 'src', 'main.ts')],
    outfile: join(outdir, 'explorer.js'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'web', 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(root, 'web', 'explorer.css'), join(outdir, 'explorer.css'));
  const require = createRequire(import.meta.url);
  copyFileSync(require.resolve('elkjs/lib/elk-worker.min.js'), join(outdir, 'elk-worker.min.js'));
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWeb();
}
