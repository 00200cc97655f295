/**
 * Vertex → typed object (spec §3.7), describing every kind by ARN so that entities shared from
 * other accounts load too, and mapping `ModelGroup` contexts and `Approval` actions to their
 * classes as the Python SDK's types suggest.
 */
import { DescribeActionCommand, DescribeArtifactCommand, DescribeContextCommand } from '@aws-sdk/client-sagemaker';
import { Action, ModelPackageApprovalAction } from './action.js';
import { artifactClassFor } from './artifact.js';
import type { Artifact } from './artifact.js';
import { contextClassFor } from './context.js';
import type { Context } from './context.js';
import { mapLimited } from './pages.js';
import type { LineageVertex } from './query.js';
import type { LineageSession } from './session.js';
import { LineageTrialComponent } from './trial-component.js';

export type LineageObject = Artifact | Context | Action | LineageTrialComponent;

export async function toLineageObject(session: LineageSession, vertex: LineageVertex): Promise<LineageObject> {
  switch (vertex.lineageEntity) {
    case 'Artifact':
      return new (artifactClassFor(vertex.lineageSource))(session, await session.client.send(new DescribeArtifactCommand({ ArtifactArn: vertex.arn })));
    case 'Context':
      return new (contextClassFor(vertex.lineageSource))(session, await session.client.send(new DescribeContextCommand({ ContextName: vertex.arn })));
    case 'Action': {
      const data = await session.client.send(new DescribeActionCommand({ ActionName: vertex.arn }));
      return vertex.lineageSource === 'Approval' ? new ModelPackageApprovalAction(session, data) : new Action(session, data);
    }
    case 'TrialComponent':
      return LineageTrialComponent.load(session, vertex.arn);
    default:
      throw new Error(`Vertex ${vertex.arn} of lineage type '${vertex.lineageEntity}' cannot be converted to a lineage object.`);
  }
}

/** Describes each vertex (a few at a time), keeping the query's order. */
export function toLineageObjects(session: LineageSession, vertices: readonly LineageVertex[]): Promise<LineageObject[]> {
  return mapLimited(vertices, session.describeConcurrency, (v) => toLineageObject(session, v));
}
