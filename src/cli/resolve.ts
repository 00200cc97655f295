/**
 * Turns what a user types into an entity: an ARN as is, a source URI (s3://…, an ARN-like source
 * of a context) by listing, anything else as an action or context name.
 */
import { DescribeActionCommand, DescribeContextCommand, ListActionsCommand, ListArtifactsCommand, ListContextsCommand } from '@aws-sdk/client-sagemaker';
import { parseArn } from '../sdk/arn.js';
import { isServiceError } from '../sdk/errors.js';
import type { LineageSession } from '../sdk/session.js';

export interface EntityRef {
  readonly arn: string;
  /** `artifact`, `action`, `context`, `experiment-trial-component`, … */
  readonly kind: string;
}

const notFound = (e: unknown): boolean => isServiceError(e, 'ResourceNotFound') || isServiceError(e, 'ValidationException');

export async function resolveEntity(session: LineageSession, ref: string): Promise<EntityRef> {
  const arn = parseArn(ref);
  if (arn && ['artifact', 'action', 'context', 'experiment-trial-component', 'experiment'].includes(arn.kind)) return { arn: ref, kind: arn.kind };
  const bySource = async (): Promise<EntityRef | undefined> => {
    const a = await session.client.send(new ListArtifactsCommand({ SourceUri: ref, MaxResults: 1 }));
    if (a.ArtifactSummaries?.[0]?.ArtifactArn) return { arn: a.ArtifactSummaries[0].ArtifactArn, kind: 'artifact' };
    const c = await session.client.send(new ListContextsCommand({ SourceUri: ref, MaxResults: 1 }));
    if (c.ContextSummaries?.[0]?.ContextArn) return { arn: c.ContextSummaries[0].ContextArn, kind: 'context' };
    const x = await session.client.send(new ListActionsCommand({ SourceUri: ref, MaxResults: 1 }));
    if (x.ActionSummaries?.[0]?.ActionArn) return { arn: x.ActionSummaries[0].ActionArn, kind: 'action' };
    return undefined;
  };
  if (ref.includes('://') || arn) {
    const found = await bySource();
    if (found) return found;
  } else {
    try {
      const c = await session.client.send(new DescribeContextCommand({ ContextName: ref }));
      if (c.ContextArn) return { arn: c.ContextArn, kind: 'context' };
    } catch (e) {
      if (!notFound(e)) throw e;
    }
    try {
      const a = await session.client.send(new DescribeActionCommand({ ActionName: ref }));
      if (a.ActionArn) return { arn: a.ActionArn, kind: 'action' };
    } catch (e) {
      if (!notFound(e)) throw e;
    }
  }
  throw new UserError(`No artifact, action or context is called or sourced from '${ref}'. Give an ARN, a source URI or a name.`);
}

/** A mistake of the user's, shown as one line without a stack. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
