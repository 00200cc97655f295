/**
 * The explorer talks to Stemma exactly as every other client does: SageMaker's AWS JSON 1.1
 * protocol at `POST /` (QueryLineage, DescribeArtifact/Action/Context/TrialComponent), plus the
 * `/api/v1/entities` search extra. Requests go out unsigned, which open mode accepts, until a
 * strict server asks for a sign-in (auth.ts); from then on they are SigV4-signed.
 */
import { apiFetch } from './auth.js';
import type { Direction } from './view-state.js';

export interface EntitySummary {
  readonly Arn: string;
  readonly LineageType: string;
  readonly Type?: string;
  readonly Name?: string;
  readonly SourceUri?: string;
  readonly CreationTime: number;
  readonly LastModifiedTime: number;
  readonly Properties: Readonly<Record<string, string>>;
}

export interface Vertex {
  readonly Arn: string;
  readonly Type?: string;
  readonly LineageType?: string;
}

export interface Edge {
  readonly SourceArn: string;
  readonly DestinationArn: string;
  readonly AssociationType?: string;
}

export interface LineageRequest {
  readonly StartArns: readonly string[];
  readonly Direction: Direction;
  readonly MaxDepth: number;
  readonly IncludeEdges: boolean;
  readonly Filters?: { readonly LineageTypes?: readonly string[]; readonly Types?: readonly string[] };
}

export interface LineageAnswer {
  readonly vertices: Vertex[];
  readonly edges: Edge[];
  /** More pages existed beyond the explorer's cap. */
  readonly truncated: boolean;
}

/** Most vertices one view loads; QueryLineage pages beyond it are not fetched. */
export const MAX_VIEW_VERTICES = 20_000;

export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

async function answerOf<T>(res: Response): Promise<T> {
  const text = await res.text();
  const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (!res.ok) {
    const code = typeof body['__type'] === 'string' ? body['__type'] : `HTTP ${res.status}`;
    throw new ApiError(code, typeof body['message'] === 'string' ? body['message'] : res.statusText);
  }
  return body as T;
}

export async function callSageMaker<T>(operation: string, input: unknown): Promise<T> {
  const res = await apiFetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `SageMaker.${operation}` },
    body: JSON.stringify(input),
  });
  return answerOf<T>(res);
}

export async function searchEntities(text: string, limit = 20): Promise<EntitySummary[]> {
  const res = await apiFetch(`/api/v1/entities?${new URLSearchParams({ q: text, limit: String(limit) }).toString()}`);
  return (await answerOf<{ Entities: EntitySummary[] }>(res)).Entities;
}

/** Every page of a QueryLineage, up to {@link MAX_VIEW_VERTICES} vertices. */
export async function queryLineage(request: LineageRequest): Promise<LineageAnswer> {
  const vertices: Vertex[] = [];
  const edges: Edge[] = [];
  let token: string | undefined;
  do {
    const page: { Vertices?: Vertex[]; Edges?: Edge[]; NextToken?: string } = await callSageMaker('QueryLineage', {
      ...request,
      ...(token ? { NextToken: token } : {}),
    });
    vertices.push(...(page.Vertices ?? []));
    edges.push(...(page.Edges ?? []));
    token = page.NextToken;
  } while (token && vertices.length < MAX_VIEW_VERTICES);
  return { vertices, edges, truncated: token !== undefined };
}

export type Details = Readonly<Record<string, unknown>>;

/** The Describe operation of each lineage type, and the member that takes a name or an ARN. */
const DESCRIBE: Readonly<Record<string, { readonly operation: string; readonly member: string }>> = {
  Artifact: { operation: 'DescribeArtifact', member: 'ArtifactArn' },
  Action: { operation: 'DescribeAction', member: 'ActionName' },
  Context: { operation: 'DescribeContext', member: 'ContextName' },
  TrialComponent: { operation: 'DescribeTrialComponent', member: 'TrialComponentName' },
};

/** The entity's Describe answer, by ARN (so entities shared from another account describe too). */
export async function describe(arn: string, lineageType: string): Promise<Details> {
  const how = DESCRIBE[lineageType];
  if (!how) throw new ApiError('ValidationException', `Entities of lineage type '${lineageType}' have no Describe operation.`);
  return callSageMaker(how.operation, { [how.member]: arn });
}

/** What to call an entity on screen, from its Describe answer. */
export function displayName(details: Details): string | undefined {
  for (const key of ['ArtifactName', 'ActionName', 'ContextName', 'DisplayName', 'TrialComponentName', 'Name']) {
    const v = details[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  const source = details['Source'] as { SourceUri?: unknown } | undefined;
  if (typeof source?.SourceUri === 'string') return source.SourceUri;
  return typeof details['SourceUri'] === 'string' ? details['SourceUri'] : undefined;
}
