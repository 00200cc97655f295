import { describe, expect, it } from 'vitest';
import { artifactId } from './ids.js';

describe('artifactId', () => {
  it('is 32 lower-case hex characters', () => {
    expect(artifactId('s3://bucket/data.csv')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is the same for the same source, whatever the order of its source types', () => {
    const a = artifactId('s3://b/k', [
      { SourceIdType: 'MD5Hash', Value: 'x' },
      { SourceIdType: 'Custom', Value: 'y' },
    ]);
    const b = artifactId('s3://b/k', [
      { SourceIdType: 'Custom', Value: 'y' },
      { SourceIdType: 'MD5Hash', Value: 'x' },
    ]);
    expect(a).toBe(b);
  });

  it('keeps the ids already stored in databases: fixed digests of known sources', () => {
    expect(artifactId('s3://bucket/data.csv')).toBe('44b69d420f410f378be0ca4b84283d03');
    expect(
      artifactId('s3://b/k', [
        { SourceIdType: 'MD5Hash', Value: 'x' },
        { SourceIdType: 'Custom', Value: 'y' },
      ]),
    ).toBe('8afe51d4fa3f521e5463237b002d24e8');
    expect(artifactId('s3://bücket/dätä.csv', [{ SourceIdType: 'Custom', Value: 'é' }])).toBe('a9fca7a9ae389c0025f82a86a375708b');
  });

  it('tells sources apart by URI and by source types', () => {
    expect(artifactId('s3://b/k')).not.toBe(artifactId('s3://b/k2'));
    expect(artifactId('s3://b/k')).not.toBe(artifactId('s3://b/k', [{ SourceIdType: 'Custom', Value: 'v1' }]));
  });
});
