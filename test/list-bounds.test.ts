/**
 * List filters and NextTokens at the edges of what a client can send: the same answers on every
 * store backend, and never a 500.
 */
import { describe, expect, it } from 'vitest';
import { encodeNextToken } from '../src/api/pagination.js';
import { startTestServer } from './harness.js';

describe('listing with extreme filters and forged NextTokens', () => {
  it('treats creation-time bounds beyond any stored time as plain bounds', async () => {
    const server = await startTestServer();
    try {
      await server.raw('SageMaker.CreateArtifact', JSON.stringify({ Source: { SourceUri: 's3://edge/a' }, ArtifactType: 'DataSet' }));
      const cases: [string, Record<string, unknown>, string, number][] = [
        ['ListArtifacts', { CreatedAfter: 1e300 }, 'ArtifactSummaries', 0],
        ['ListArtifacts', { CreatedBefore: 1e300 }, 'ArtifactSummaries', 1],
        ['ListArtifacts', { CreatedAfter: -1e300 }, 'ArtifactSummaries', 1],
        ['ListAssociations', { CreatedAfter: 1e20 }, 'AssociationSummaries', 0],
      ];
      for (const [operation, body, member, count] of cases) {
        const res = await server.raw(`SageMaker.${operation}`, JSON.stringify(body));
        expect({ operation, body, status: res.status }).toEqual({ operation, body, status: 200 });
        expect(res.json[member]).toHaveLength(count);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a NextToken whose position could not come from the listing', async () => {
    const server = await startTestServer();
    try {
      const byName: { SortBy: string } = { SortBy: 'Name' };
      const forged = [
        encodeNextToken('ListArtifacts', {}, { value: 'not a time', id: 1 }),
        encodeNextToken('ListArtifacts', {}, { value: 1e300, id: 1e300 }),
        encodeNextToken('ListContexts', byName, { value: 5, id: 1 }),
        encodeNextToken('ListAssociations', {}, { value: 1, id: 'x' }),
      ];
      const requests: [string, Record<string, unknown>][] = [
        ['ListArtifacts', { NextToken: forged[0] }],
        ['ListArtifacts', { NextToken: forged[1] }],
        ['ListContexts', { SortBy: 'Name', NextToken: forged[2] }],
        ['ListAssociations', { NextToken: forged[3] }],
      ];
      for (const [operation, body] of requests) {
        const res = await server.raw(`SageMaker.${operation}`, JSON.stringify(body));
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ __type: 'ValidationException', message: expect.stringContaining('NextToken') as unknown });
      }
    } finally {
      await server.close();
    }
  });
});
