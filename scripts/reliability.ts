/**
 * `npm run reliability -- <suite>|all [--backend sqlite|postgres]`: runs a reliability suite
 * (test/reliability/<suite>[.<backend>].test.ts) in its long form, STEMMA_RELIABILITY=full, on the
 * backends it applies to. STEMMA_RELIABILITY_ITERATIONS and _SEED pass through.
 * `npm test` runs the same files in their bounded form.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = 'test/reliability';
const PROJECTS = { sqlite: 'integration (sqlite)', postgres: 'integration (postgres)' } as const;
type Backend = keyof typeof PROJECTS;

interface Suite {
  readonly name: string;
  readonly file: string;
  readonly backends: readonly Backend[];
}

function suites(): Suite[] {
  const found: Suite[] = [];
  for (const file of readdirSync(`${root}/${dir}`).sort()) {
    const m = /^(.+?)(?:\.(sqlite|postgres))?\.test\.ts$/.exec(file);
    if (!m?.[1]) continue;
    const only = m[2] as Backend | undefined;
    found.push({ name: m[1], file: `${dir}/${file}`, backends: only ? [only] : ['sqlite', 'postgres'] });
  }
  return found;
}

function usage(all: readonly Suite[]): never {
  process.stderr.write(`usage: npm run reliability -- <suite>|all [--backend sqlite|postgres]\nsuites: ${all.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const all = suites();
const wanted = args.find((a) => !a.startsWith('--'));
const backendAt = args.indexOf('--backend');
const backend = backendAt >= 0 ? args[backendAt + 1] : undefined;
if (!wanted || (backend !== undefined && !(backend in PROJECTS))) usage(all);
const chosen = wanted === 'all' ? all : all.filter((s) => s.name === wanted);
if (chosen.length === 0) usage(all);

let failed = false;
for (const suite of chosen) {
  for (const b of suite.backends) {
    if (backend !== undefined && b !== backend) continue;
    process.stdout.write(`\n== reliability ${suite.name} on ${b} ==\n`);
    const run = spawnSync(process.execPath, [`${root}/node_modules/vitest/vitest.mjs`, 'run', '--project', PROJECTS[b], suite.file], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, STEMMA_RELIABILITY: 'full' },
    });
    if (run.status !== 0) failed = true;
  }
}
process.exit(failed ? 1 : 0);
