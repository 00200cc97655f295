/**
 * `GET /api/v1/entities?q=…`: the lineage entities a person means when they type an ARN, the start
 * of a name or the start of a source URI (the web explorer's search box). A Stemma extra, in
 * SageMaker's member spelling so an answer reads like a Describe.
 */
import { ValidationException } from '../../core/errors.js';
import type { EntityRecord, LineageType } from '../../core/model.js';
import { LINEAGE_TYPE_OF_KIND } from '../../core/model.js';
import type { Store } from '../../storage/store.js';
import type { RequestContext } from '../context.js';

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 100;
/** Longer than any ARN or S3 URI SageMaker accepts. */
const MAX_QUERY_LENGTH = 2048;

export interface EntitySearchInput {
  readonly q: string | null;
  readonly limit: string | null;
}

export interface EntitySummary {
  readonly Arn: string;
  readonly LineageType: LineageType;
  readonly Type?: string;
  readonly Name?: string;
  readonly SourceUri?: string;
  readonly CreationTime: number;
  readonly LastModifiedTime: number;
  readonly Properties: Readonly<Record<string, string>>;
}

function summary(e: EntityRecord): EntitySummary {
  return {
    Arn: e.arn,
    LineageType: LINEAGE_TYPE_OF_KIND[e.kind] ?? 'Artifact',
    ...(e.type === null ? {} : { Type: e.type }),
    ...(e.name === null ? {} : { Name: e.name }),
    ...(e.sourceUri === null ? {} : { SourceUri: e.sourceUri }),
    CreationTime: e.createdAt / 1000,
    LastModifiedTime: e.modifiedAt / 1000,
    Properties: e.properties,
  };
}

function parseLimit(raw: string | null): number {
  if (raw === null) return SEARCH_DEFAULT_LIMIT;
  const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= SEARCH_MAX_LIMIT)) {
    throw new ValidationException(`Value '${raw.slice(0, 32)}' at 'limit' failed to satisfy constraint: Member must be an integer from 1 to ${SEARCH_MAX_LIMIT}`);
  }
  return n;
}

export async function searchEntities(store: Store, input: EntitySearchInput, ctx: Pick<RequestContext, 'scope'>): Promise<{ Entities: EntitySummary[] }> {
  const text = input.q?.trim() ?? '';
  if (text === '') throw new ValidationException("Value at 'q' failed to satisfy constraint: Member must not be empty");
  if (text.length > MAX_QUERY_LENGTH || text.includes('\0')) {
    throw new ValidationException(`Value at 'q' failed to satisfy constraint: Member must be at most ${MAX_QUERY_LENGTH} characters without NUL`);
  }
  const limit = parseLimit(input.limit);
  const rows = await store.read((r) => r.searchEntities({ scope: ctx.scope, text, limit }));
  return { Entities: rows.map(summary) };
}
