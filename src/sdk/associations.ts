/** Association (an edge): create, delete, list, and the disassociate step of deletes. */
import { AddAssociationCommand, DeleteAssociationCommand, ListAssociationsCommand } from '@aws-sdk/client-sagemaker';
import type { AssociationSummary, ListAssociationsCommandInput } from '@aws-sdk/client-sagemaker';
import type { AssociationEdgeType } from './enums.js';
import { allPages, collect } from './pages.js';
import type { LineageSession } from './session.js';

export type AssociationFilters = Omit<ListAssociationsCommandInput, 'NextToken' | 'MaxResults'> & { readonly pageSize?: number };

export class Association {
  readonly session: LineageSession;
  readonly sourceArn: string;
  readonly destinationArn: string;
  readonly associationType: string | undefined;

  constructor(session: LineageSession, sourceArn: string, destinationArn: string, associationType?: string) {
    this.session = session;
    this.sourceArn = sourceArn;
    this.destinationArn = destinationArn;
    this.associationType = associationType;
  }

  static async create(
    session: LineageSession,
    options: { sourceArn: string; destinationArn: string; associationType?: AssociationEdgeType },
  ): Promise<Association> {
    const res = await session.client.send(
      new AddAssociationCommand({
        SourceArn: options.sourceArn,
        DestinationArn: options.destinationArn,
        ...(options.associationType === undefined ? {} : { AssociationType: options.associationType }),
      }),
    );
    return new Association(session, res.SourceArn ?? options.sourceArn, res.DestinationArn ?? options.destinationArn, options.associationType);
  }

  async delete(): Promise<void> {
    await this.session.client.send(new DeleteAssociationCommand({ SourceArn: this.sourceArn, DestinationArn: this.destinationArn }));
  }

  /** Every association matching the filters, all pages, lazily. `pageSize` is a page size, not a cap. */
  static list(session: LineageSession, filters: AssociationFilters = {}): AsyncGenerator<AssociationSummary> {
    const { pageSize, ...rest } = filters;
    return allPages(async (NextToken) => {
      const res = await session.client.send(new ListAssociationsCommand({ ...rest, MaxResults: pageSize ?? 100, NextToken }));
      return { items: res.AssociationSummaries, nextToken: res.NextToken };
    });
  }
}

export function listAssociations(session: LineageSession, filters: AssociationFilters): Promise<AssociationSummary[]> {
  return collect(Association.list(session, filters));
}

/**
 * Deletes every association of an entity: outgoing first, then incoming (the Python SDK's order).
 * Each side is read whole before anything is deleted, so no page is skipped.
 */
export async function disassociate(session: LineageSession, arn: string): Promise<number> {
  let deleted = 0;
  for (const side of ['SourceArn', 'DestinationArn'] as const) {
    const all = await listAssociations(session, { [side]: arn });
    for (const a of all) {
      if (!a.SourceArn || !a.DestinationArn) continue;
      await session.client.send(new DeleteAssociationCommand({ SourceArn: a.SourceArn, DestinationArn: a.DestinationArn }));
      deleted++;
    }
  }
  return deleted;
}
