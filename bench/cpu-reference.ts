/**
 * How fast this machine runs right now, for reading a benchmark's figures across runs. The shared
 * virtual machines Stemma is developed on change speed by up to 1.7× within minutes; without a
 * reference, a run in a slow phase reads like a regression. The work is the kind a request does:
 * JSON in and out of a small request body.
 */
const BODY = { Source: { SourceUri: 's3://bench-run/c3/data-1234.csv' }, ArtifactType: 'DataSet', Properties: { step: '1234' } };
const ROUNDS = 300_000;

/** Milliseconds for a fixed loop of JSON round trips: about 370 on this project's machines when fast. */
export function cpuReferenceMs(): number {
  const start = performance.now();
  let sink = 0;
  for (let i = 0; i < ROUNDS; i++) sink += (JSON.parse(JSON.stringify(BODY)) as typeof BODY).ArtifactType.length;
  const ms = performance.now() - start;
  // Uses the result, so the loop cannot be optimized away.
  if (sink !== ROUNDS * BODY.ArtifactType.length) throw new Error('The CPU reference loop miscounted.');
  return ms;
}
