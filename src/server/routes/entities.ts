/** `GET /api/v1/entities?q=<text>&limit=<n>`: search lineage entities (api/rest/search-entities.ts). */
import type { Store } from '../../storage/store.js';
import { searchEntities } from '../../api/rest/search-entities.js';
import type { Caller } from '../auth.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';
import { restJson } from './rest-json.js';

export const ENTITIES_PATH = '/api/v1/entities';

export async function entitiesRoute(request: HttpRequest, requestId: string, store: Store, caller: Caller): Promise<HttpResponse> {
  const params = new URLSearchParams(request.query ?? '');
  const answer = await searchEntities(store, { q: params.get('q'), limit: params.get('limit') }, caller);
  return restJson(200, requestId, answer);
}
