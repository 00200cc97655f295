import { hash } from 'node:crypto';

export interface ArtifactSourceType {
  readonly SourceIdType: string;
  readonly Value: string;
}

/**
 * An artifact's id: 32 lower-case hex characters derived from its Source (the URI plus its
 * source types, sorted so their order does not matter). The same data therefore gets the same
 * id — and the same ARN suffix — in every account, which is what cross-account SameAs matching and
 * "one artifact per source" both rely on.
 */
export function artifactId(sourceUri: string, sourceTypes: readonly ArtifactSourceType[] = []): string {
  const types = sourceTypes.map((t) => `\u0001${t.SourceIdType}\u0000${t.Value}`).sort();
  // One call over the joined text gives the same digest as feeding the parts to a Hash object in
  // turn, without creating one on every CreateArtifact.
  return hash('sha256', sourceUri + types.join(''), 'hex').slice(0, 32);
}

/** A request id in the shape AWS uses (a v4 UUID). */
export function requestId(): string {
  return crypto.randomUUID();
}
