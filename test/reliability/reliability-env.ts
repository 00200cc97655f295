/**
 * How long the reliability suites run. In the normal `npm test` each suite runs a bounded form
 * (seconds); `STEMMA_RELIABILITY=full` (set by `npm run reliability`) runs the long form.
 * `STEMMA_RELIABILITY_ITERATIONS` overrides a suite's own choice.
 */

function fullRun(): boolean {
  return process.env['STEMMA_RELIABILITY'] === 'full';
}

function positive(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${raw}'.`);
  return n;
}

/** Iterations of a suite's main loop: `bounded` in `npm test`, `full` in the long form. */
export function iterations(bounded: number, full: number): number {
  return Math.round(positive('STEMMA_RELIABILITY_ITERATIONS') ?? (fullRun() ? full : bounded));
}

/** The seed of a suite's random choices: fixed, so a failure repeats; `STEMMA_RELIABILITY_SEED` varies it. */
export function seed(fallback: number): number {
  return Math.round(positive('STEMMA_RELIABILITY_SEED') ?? fallback);
}

/** Prints a suite's one-line summary where both vitest and the runner script show it. */
export function printSummary(suite: string, figures: Readonly<Record<string, string | number>>): void {
  const text = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`[reliability ${suite}] ${text}`);
}

/** A suite's per-test time limit: generous in `npm test` (a shared 2-core machine), none to speak of in the long form. */
export function testTimeout(): number {
  return fullRun() ? 6 * 3600_000 : 180_000;
}
