/**
 * `/api/v1/lineage-group/shares`: the caller's lineage-group grants (api/lineage/shares.ts).
 * - GET: `{ Granted: [...], Received: [...] }`, grants made by and to the caller;
 * - PUT or POST `{ "account": "222233334444" }`: grant that account access (idempotent);
 * - DELETE `{ "account": … }` (or `?account=…`): revoke it.
 * Authenticated like every request; the caller is always the owner of what it grants.
 */
import type { SageMakerApi } from '../../api/service.js';
import type { Caller } from '../auth.js';
import { parseBody } from '../aws-json.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';

export const LINEAGE_SHARES_PATH = '/api/v1/lineage-group/shares';

function json(status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-amzn-requestid': requestId, ...extra },
    body: JSON.stringify(body),
  };
}

export async function lineageSharesRoute(
  request: HttpRequest,
  requestId: string,
  deps: { api: SageMakerApi; caller: Caller },
): Promise<HttpResponse> {
  const ctx = { ...deps.caller, requestId };
  switch (request.method) {
    case 'GET':
      return json(200, await deps.api.extras.listLineageShares(ctx), requestId);
    case 'PUT':
    case 'POST': {
      const granted = await deps.api.extras.grantLineageShare(parseBody(request.body), ctx);
      return json(granted.created ? 201 : 200, { Share: granted.share, Created: granted.created, SameAsPairs: granted.sameAsPairs }, requestId);
    }
    case 'DELETE': {
      const account = new URLSearchParams(request.query ?? '').get('account');
      const body = account !== null ? { account } : parseBody(request.body);
      return json(200, await deps.api.extras.revokeLineageShare(body, ctx), requestId);
    }
    default:
      return json(405, { __type: 'MethodNotAllowed', message: `Use GET, PUT, POST or DELETE for ${LINEAGE_SHARES_PATH}.` }, requestId, {
        allow: 'GET, PUT, POST, DELETE',
      });
  }
}
