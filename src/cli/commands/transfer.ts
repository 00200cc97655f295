/**
 * `stemma export` / `stemma import`: a whole account's lineage as JSON lines. Only what a user
 * wrote is kept (names, sources, types, properties, tags, associations) — not times or creators,
 * which the importing server assigns — and lines are sorted, so export → import → export gives
 * the same bytes.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AddAssociationCommand, CreateActionCommand, CreateArtifactCommand, CreateContextCommand, DescribeActionCommand, DescribeArtifactCommand, DescribeContextCommand } from '@aws-sdk/client-sagemaker';
import type { AssociationEdgeType, Tag } from '@aws-sdk/client-sagemaker';
import { SingleBar } from 'cli-progress';
import { Action } from '../../sdk/action.js';
import { Artifact } from '../../sdk/artifact.js';
import { Association } from '../../sdk/associations.js';
import { Context } from '../../sdk/context.js';
import { isServiceError } from '../../sdk/errors.js';
import { collect, mapLimited } from '../../sdk/pages.js';
import type { LineageSession } from '../../sdk/session.js';
import { listTags } from '../../sdk/tags.js';
import { UserError } from '../resolve.js';

/** One line of an export: `kind` (artifact, context, action, association) and the Create request's members. */
export type ExportLine = { readonly kind: string } & Record<string, unknown>;

/** A progress bar on stderr for long runs in a terminal; silent otherwise. */
export interface Progress {
  start(total: number): void;
  tick(): void;
  stop(): void;
}

export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { start: () => undefined, tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream, hideCursor: true, clearOnComplete: true });
  return { start: (total) => bar.start(total, 0), tick: () => bar.increment(), stop: () => bar.stop() };
}

/** Drops empty maps and lists and undefined members: the exported form of a field set. */
function compact(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

const sortedTags = (tags: Tag[]): Tag[] => [...tags].sort((a, b) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : 1));
const sortedMap = (m: Record<string, string> | undefined): Record<string, string> | undefined =>
  m && Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));

export async function exportLineage(session: LineageSession, out: Writable, progress: Progress): Promise<number> {
  const [artifacts, contexts, actions, associations] = await Promise.all([
    collect(Artifact.list(session)),
    collect(Context.list(session)),
    collect(Action.list(session)),
    collect(Association.list(session)),
  ]);
  progress.start(artifacts.length + contexts.length + actions.length + associations.length);
  const c = session.describeConcurrency;
  const lines: ExportLine[] = [];
  const artifactLines = await mapLimited(artifacts, c, async (s) => {
    const a = await session.client.send(new DescribeArtifactCommand({ ArtifactArn: s.ArtifactArn }));
    progress.tick();
    return { kind: 'artifact', ...compact({ ArtifactName: a.ArtifactName, Source: a.Source, ArtifactType: a.ArtifactType, Properties: sortedMap(a.Properties), MetadataProperties: a.MetadataProperties, Tags: sortedTags(await listTags(session, s.ArtifactArn ?? '')) }) };
  });
  const contextLines = await mapLimited(contexts, c, async (s) => {
    const x = await session.client.send(new DescribeContextCommand({ ContextName: s.ContextArn }));
    progress.tick();
    return { kind: 'context', ...compact({ ContextName: x.ContextName, Source: x.Source, ContextType: x.ContextType, Description: x.Description, Properties: sortedMap(x.Properties), Tags: sortedTags(await listTags(session, s.ContextArn ?? '')) }) };
  });
  const actionLines = await mapLimited(actions, c, async (s) => {
    const x = await session.client.send(new DescribeActionCommand({ ActionName: s.ActionArn }));
    progress.tick();
    return { kind: 'action', ...compact({ ActionName: x.ActionName, Source: x.Source, ActionType: x.ActionType, Description: x.Description, Status: x.Status, Properties: sortedMap(x.Properties), MetadataProperties: x.MetadataProperties, Tags: sortedTags(await listTags(session, s.ActionArn ?? '')) }) };
  });
  const key = (l: Record<string, unknown>): string => JSON.stringify(l);
  lines.push(...artifactLines.sort((a, b) => (key(a) < key(b) ? -1 : 1)));
  lines.push(...contextLines.sort((a, b) => (key(a) < key(b) ? -1 : 1)));
  lines.push(...actionLines.sort((a, b) => (key(a) < key(b) ? -1 : 1)));
  const edges = associations
    .map((a) => ({ kind: 'association' as const, SourceArn: a.SourceArn ?? '', DestinationArn: a.DestinationArn ?? '', ...(a.AssociationType ? { AssociationType: a.AssociationType } : {}) }))
    .sort((a, b) => (key(a) < key(b) ? -1 : 1));
  for (const _ of edges) progress.tick();
  lines.push(...edges);
  progress.stop();
  for (const l of lines) {
    if (!out.write(`${JSON.stringify(l)}\n`)) await new Promise((r) => out.once('drain', r));
  }
  return lines.length;
}

export interface ImportSummary {
  readonly entities: number;
  readonly associations: number;
  /** Associations whose ends this server does not have (trial components cannot be created yet). */
  readonly skipped: number;
}

export async function importLineage(session: LineageSession, input: Readable, progress: Progress): Promise<ImportSummary> {
  const lines: ExportLine[] = [];
  let n = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (text.trim() === '') continue;
    try {
      lines.push(JSON.parse(text) as ExportLine);
    } catch {
      throw new UserError(`Line ${n} is not JSON.`);
    }
  }
  progress.start(lines.length);
  let entities = 0;
  let associations = 0;
  let skipped = 0;
  const tags = (l: Record<string, unknown>): Tag[] | undefined => l['Tags'] as Tag[] | undefined;
  for (const [i, l] of lines.entries()) {
    const { kind, ...fields } = l as Record<string, unknown> & { kind: string };
    const at = `line ${i + 1}`;
    try {
      if (kind === 'artifact') await session.client.send(new CreateArtifactCommand({ ...(fields as object), Tags: tags(fields) } as ConstructorParameters<typeof CreateArtifactCommand>[0]));
      else if (kind === 'context') await session.client.send(new CreateContextCommand({ ...(fields as object), Tags: tags(fields) } as ConstructorParameters<typeof CreateContextCommand>[0]));
      else if (kind === 'action') await session.client.send(new CreateActionCommand({ ...(fields as object), Tags: tags(fields) } as ConstructorParameters<typeof CreateActionCommand>[0]));
      else if (kind === 'association') {
        const a = fields as unknown as { SourceArn: string; DestinationArn: string; AssociationType?: AssociationEdgeType };
        try {
          await session.client.send(new AddAssociationCommand({ SourceArn: a.SourceArn, DestinationArn: a.DestinationArn, AssociationType: a.AssociationType }));
          associations++;
        } catch (e) {
          if (isServiceError(e, 'ResourceNotFound') && /experiment/.test(`${a.SourceArn}${a.DestinationArn}`)) skipped++;
          else throw e;
        }
        progress.tick();
        continue;
      } else throw new UserError(`Unknown kind '${String(kind)}' at ${at}.`);
      entities++;
      progress.tick();
    } catch (e) {
      progress.stop();
      if (e instanceof UserError) throw e;
      throw new UserError(`Import stopped at ${at} (${kind}): ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  progress.stop();
  return { entities, associations, skipped };
}
