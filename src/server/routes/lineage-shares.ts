/**
 * `/api/v1/lineage-group/shares`: the caller's lineage-group grants (api/lineage/shares.ts).
 * - GET: `{ Granted: [...], Received: [...] }`, grants made by and to the caller;
 * - PUT or POST `{ "account": "222233334444" }`: grant that account access (idempotent);
 * - DELETE `{ "account": … }` (or `?account=…`): revoke it.
 * Authenticated like every request; the caller is always the owner of what it grants.
 */
import type { SageMakerApi } from '../../api/service.js';
import { MethodNotAllowed } from '../../core/errors.js';
import type { Caller } from '../auth.js';
import { parseBody } from '../aws-json.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';
import { restJson } from './rest-json.js';

export const LINEAGE_SHARES_PATH = '/api/v1/lineage-group/shares';

export async function lineageSharesRoute(
  request: HttpRequest,
  requestId: string,
  deps: { api: SageMakerApi; caller: Caller },
): Promise<HttpResponse> {
  const ctx = { ...deps.caller, requestId };
  switch (request.method) {
    case 'GET':
      return restJson(200, requestId, await deps.api.extras.listLineageShares(ctx));
    case 'PUT':
    case 'POST': {
      const granted = await deps.api.extras.grantLineageShare(parseBody(request.body), ctx);
      return restJson(granted.created ? 201 : 200, requestId, { Share: granted.share, Created: granted.created, SameAsPairs: granted.sameAsPairs });
    }
    case 'DELETE': {
      const account = new URLSearchParams(request.query ?? '').get('account');
      const body = account !== null ? { account } : parseBody(request.body);
      return restJson(200, requestId, await deps.api.extras.revokeLineageShare(body, ctx));
    }
    default:
      throw new MethodNotAllowed(LINEAGE_SHARES_PATH, ['GET', 'PUT', 'POST', 'DELETE']);
  }
}
