/** Tags on lineage entities (every kind but associations). */
import { AddTagsCommand, DeleteTagsCommand, ListTagsCommand } from '@aws-sdk/client-sagemaker';
import type { Tag } from '@aws-sdk/client-sagemaker';
import { allPages, collect } from './pages.js';
import type { LineageSession } from './session.js';

/** A list of `{Key, Value}` or a plain map, which becomes one tag per entry. */
export type TagsInput = readonly Tag[] | Readonly<Record<string, string>>;

export function toTagList(tags: TagsInput): Tag[] {
  if (Array.isArray(tags)) return [...(tags as readonly Tag[])];
  return Object.entries(tags as Readonly<Record<string, string>>).map(([Key, Value]) => ({ Key, Value }));
}

export async function addTags(session: LineageSession, arn: string, tags: TagsInput): Promise<Tag[]> {
  const res = await session.client.send(new AddTagsCommand({ ResourceArn: arn, Tags: toTagList(tags) }));
  return res.Tags ?? [];
}

export async function removeTags(session: LineageSession, arn: string, keys: readonly string[]): Promise<void> {
  await session.client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: [...keys] }));
}

/** Every tag of a resource (all pages). */
export function listTags(session: LineageSession, arn: string): Promise<Tag[]> {
  return collect(
    allPages(async (NextToken) => {
      const res = await session.client.send(new ListTagsCommand({ ResourceArn: arn, NextToken }));
      return { items: res.Tags, nextToken: res.NextToken };
    }),
  );
}

/** The base of every taggable entity: `setTag`, `setTags`, `tags`, `removeTags`. */
export abstract class TaggedEntity {
  readonly session: LineageSession;

  constructor(session: LineageSession) {
    this.session = session;
  }

  /** The entity's ARN. */
  abstract get arn(): string;

  setTag(tag: Tag): Promise<Tag[]> {
    return addTags(this.session, this.arn, [tag]);
  }

  setTags(tags: TagsInput): Promise<Tag[]> {
    return addTags(this.session, this.arn, tags);
  }

  tags(): Promise<Tag[]> {
    return listTags(this.session, this.arn);
  }

  removeTags(keys: readonly string[]): Promise<void> {
    return removeTags(this.session, this.arn, keys);
  }
}
