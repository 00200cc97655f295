/** `stemma ls | describe | create | delete`: lineage entities from the terminal. */
import { DescribeActionCommand, DescribeArtifactCommand, DescribeContextCommand } from '@aws-sdk/client-sagemaker';
import { Action } from '../../sdk/action.js';
import { Artifact } from '../../sdk/artifact.js';
import { Association, listAssociations } from '../../sdk/associations.js';
import { Context } from '../../sdk/context.js';
import type { AssociationEdgeType } from '../../sdk/enums.js';
import { resourceName } from '../../sdk/arn.js';
import type { LineageSession } from '../../sdk/session.js';
import { listTags } from '../../sdk/tags.js';
import { UserError, resolveEntity } from '../resolve.js';
import type { EntityRef } from '../resolve.js';
import { isoTime, table } from '../table.js';

export const ENTITY_KINDS = ['artifacts', 'actions', 'contexts', 'associations'] as const;
export type EntityKindArg = (typeof ENTITY_KINDS)[number];

export interface ListOptions {
  readonly type?: string;
  readonly sourceUri?: string;
  readonly source?: string;
  readonly destination?: string;
  readonly limit?: number;
  readonly format: 'table' | 'json';
}

/** Rows of `ls <kind>`: name or URI first, since that is what people recognise. */
export async function listEntities(session: LineageSession, kind: string, o: ListOptions): Promise<string> {
  const limit = o.limit ?? Number.POSITIVE_INFINITY;
  const take = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const i of items) {
      if (out.length >= limit) break;
      out.push(i);
    }
    return out;
  };
  switch (kind) {
    case 'artifacts': {
      const items = await take(Artifact.list(session, { ArtifactType: o.type, SourceUri: o.sourceUri }));
      if (o.format === 'json') return jsonLines(items);
      return table(['SOURCE', 'TYPE', 'NAME', 'CREATED', 'ARN'], items.map((a) => [a.Source?.SourceUri ?? '', a.ArtifactType ?? '', a.ArtifactName ?? '', isoTime(a.CreationTime), a.ArtifactArn ?? '']));
    }
    case 'actions': {
      const items = await take(Action.list(session, { ActionType: o.type, SourceUri: o.sourceUri }));
      if (o.format === 'json') return jsonLines(items);
      return table(['NAME', 'TYPE', 'STATUS', 'SOURCE', 'CREATED'], items.map((a) => [a.ActionName ?? '', a.ActionType ?? '', a.Status ?? '', a.Source?.SourceUri ?? '', isoTime(a.CreationTime)]));
    }
    case 'contexts': {
      const items = await take(Context.list(session, { ContextType: o.type, SourceUri: o.sourceUri }));
      if (o.format === 'json') return jsonLines(items);
      return table(['NAME', 'TYPE', 'SOURCE', 'CREATED'], items.map((c) => [c.ContextName ?? '', c.ContextType ?? '', c.Source?.SourceUri ?? '', isoTime(c.CreationTime)]));
    }
    case 'associations': {
      const source = o.source ? (await resolveEntity(session, o.source)).arn : undefined;
      const destination = o.destination ? (await resolveEntity(session, o.destination)).arn : undefined;
      const items = await take(Association.list(session, { SourceArn: source, DestinationArn: destination, AssociationType: o.type as AssociationEdgeType | undefined }));
      if (o.format === 'json') return jsonLines(items);
      return table(
        ['SOURCE', 'SOURCE TYPE', 'ASSOCIATION', 'DESTINATION', 'DESTINATION TYPE'],
        items.map((a) => [a.SourceName ?? resourceName(a.SourceArn ?? ''), a.SourceType ?? '', a.AssociationType ?? '', a.DestinationName ?? resourceName(a.DestinationArn ?? ''), a.DestinationType ?? '']),
      );
    }
    default:
      throw new UserError(`Unknown kind '${kind}': expected one of ${ENTITY_KINDS.join(', ')}.`);
  }
}

function jsonLines(items: readonly unknown[]): string {
  return items.map((i) => JSON.stringify(i)).join('\n') + (items.length > 0 ? '\n' : '');
}

/** The Describe answer of any lineage entity, plus its tags. */
export async function describeEntity(session: LineageSession, ref: EntityRef): Promise<Record<string, unknown>> {
  const strip = <T extends { $metadata?: unknown }>(r: T): Omit<T, '$metadata'> => {
    const { $metadata: _ignored, ...rest } = r;
    return rest;
  };
  let described: Record<string, unknown>;
  if (ref.kind === 'artifact') described = strip(await session.client.send(new DescribeArtifactCommand({ ArtifactArn: ref.arn })));
  else if (ref.kind === 'action') described = strip(await session.client.send(new DescribeActionCommand({ ActionName: ref.arn })));
  else if (ref.kind === 'context') described = strip(await session.client.send(new DescribeContextCommand({ ContextName: ref.arn })));
  else throw new UserError(`Describing ${ref.kind} entities is not available on this server yet: ${ref.arn}`);
  return { ...described, Tags: await listTags(session, ref.arn) };
}

/** `key: value` lines, nested values as compact JSON: readable, and greppable. */
export function keyValues(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v instanceof Date ? isoTime(v) : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n') + '\n';
}

export interface DeletePlan {
  readonly entity: EntityRef;
  readonly associations: readonly { source: string; destination: string; type?: string | undefined }[];
}

/** What `delete --cascade` removes: every association of the entity, then the entity. */
export async function planDelete(session: LineageSession, entity: EntityRef): Promise<DeletePlan> {
  const out = await listAssociations(session, { SourceArn: entity.arn });
  const into = await listAssociations(session, { DestinationArn: entity.arn });
  return {
    entity,
    associations: [...out, ...into].map((a) => ({ source: a.SourceArn ?? '', destination: a.DestinationArn ?? '', type: a.AssociationType })),
  };
}

export async function deleteEntity(session: LineageSession, plan: DeletePlan, cascade: boolean): Promise<void> {
  if (cascade) {
    for (const a of plan.associations) await new Association(session, a.source, a.destination).delete();
  }
  const { arn, kind } = plan.entity;
  if (kind === 'artifact') await (await Artifact.load(session, arn)).delete();
  else if (kind === 'action') await (await Action.load(session, arn)).delete();
  else if (kind === 'context') await (await Context.load(session, arn)).delete();
  else throw new UserError(`Deleting ${kind} entities is not available on this server yet: ${arn}`);
}

export function describePlan(plan: DeletePlan): string {
  const lines = plan.associations.map((a) => `association  ${a.source} -> ${a.destination}${a.type ? ` (${a.type})` : ''}`);
  return [...lines, `${plan.entity.kind.padEnd(11)}  ${plan.entity.arn}`].join('\n') + '\n';
}

/** `k=v` pairs into a map. */
export function parsePairs(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UserError(`Expected key=value, got '${p}'.`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
