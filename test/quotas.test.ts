import {
  AddAssociationCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  DeleteArtifactCommand,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { awsError, startTestServer } from './harness.js';

describe('quotas on manually created entities', () => {
  it('refuses the entity past the quota with SageMaker\'s message, and frees a slot on delete', async () => {
    const server = await startTestServer({ quotas: { artifact: 2, action: 1, context: 1, association: 1 } });
    const sm = server.client();
    try {
      const a = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://q/1' }, ArtifactType: 'DataSet' }));
      const b = await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://q/2' }, ArtifactType: 'DataSet' }));
      const err = await awsError(sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://q/3' }, ArtifactType: 'DataSet' })));
      expect(err.name).toBe('ResourceLimitExceeded');
      expect(err.message).toContain(
        "The account-level service limit 'Total number of artifacts allowed, excluding those automatically created by SageMaker' is 2 Artifacts, with current utilization of 2 Artifacts and a request delta of 1 Artifacts.",
      );
      await sm.send(new DeleteArtifactCommand({ ArtifactArn: b.ArtifactArn }));
      await sm.send(new CreateArtifactCommand({ Source: { SourceUri: 's3://q/3' }, ArtifactType: 'DataSet' }));

      await sm.send(new CreateActionCommand({ ActionName: 'a1', Source: { SourceUri: 'u' }, ActionType: 't' }));
      expect((await awsError(sm.send(new CreateActionCommand({ ActionName: 'a2', Source: { SourceUri: 'u' }, ActionType: 't' })))).name).toBe(
        'ResourceLimitExceeded',
      );
      const ctx = await sm.send(new CreateContextCommand({ ContextName: 'c1', Source: { SourceUri: 'u' }, ContextType: 't' }));
      expect((await awsError(sm.send(new CreateContextCommand({ ContextName: 'c2', Source: { SourceUri: 'u' }, ContextType: 't' })))).name).toBe(
        'ResourceLimitExceeded',
      );
      await sm.send(new AddAssociationCommand({ SourceArn: a.ArtifactArn, DestinationArn: ctx.ContextArn }));
      const assoc = await awsError(sm.send(new AddAssociationCommand({ SourceArn: ctx.ContextArn, DestinationArn: a.ArtifactArn })));
      expect(assoc.name).toBe('ResourceLimitExceeded');
      expect(assoc.message).toContain('associations');
    } finally {
      await server.close();
    }
  });

  it('counts nothing when quotas are off', async () => {
    const server = await startTestServer({ quotas: null });
    const sm = server.client();
    try {
      for (let i = 0; i < 600; i++) {
        await sm.send(new CreateContextCommand({ ContextName: `ctx-${i}`, Source: { SourceUri: 'u' }, ContextType: 't' }));
      }
    } finally {
      await server.close();
    }
  });
});
