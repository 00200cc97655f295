/**
 * `stemma share grant|revoke|ls`: the caller's lineage-group grants, through the server's
 * `/api/v1/lineage-group/shares`. Requests are SigV4-signed with the session's own credentials
 * (signed-fetch.ts), so they act as the same account as every other command.
 */
import type { LineageShareList, LineageShareView } from '../../api/lineage/shares.js';
import type { Target } from '../target.js';
import { restError } from '../rest-error.js';
import { UserError } from '../resolve.js';
import { isoTime, table } from '../table.js';

const SHARES_PATH = '/api/v1/lineage-group/shares';

/** What the route answers to a grant (server/routes/lineage-shares.ts). */
interface GrantAnswer {
  readonly Share: LineageShareView;
  readonly Created: boolean;
  readonly SameAsPairs: number;
}

/** One signed call to the shares route; a non-2xx answer becomes the server's one-line error. */
async function call(target: Target, method: 'GET' | 'PUT' | 'DELETE', body?: unknown): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const res = await target.rest(SHARES_PATH, {
    method,
    ...(payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: payload }),
  });
  const text = await res.text();
  if (!res.ok) throw restError(res.status, text);
  return text ? (JSON.parse(text) as unknown) : {};
}

/** A grantee as typed on the command line; main.ts checks it before anything is started or called. */
export function parseAccount(text: string): string {
  if (!/^\d{12}$/.test(text)) throw new UserError(`${text} is not an AWS account id: expected 12 digits.`);
  return text;
}

export async function grantShare(target: Target, grantee: string): Promise<string> {
  const answer = (await call(target, 'PUT', { account: grantee })) as GrantAnswer;
  const what = answer.Created ? 'Shared' : 'Already shared';
  const pairs = answer.SameAsPairs > 0 ? ` (${answer.SameAsPairs} same-source artifact pairs joined with SameAs)` : '';
  return `${what} ${answer.Share.LineageGroupArn} with account ${answer.Share.GranteeAccount}${pairs}.\n`;
}

export async function revokeShare(target: Target, grantee: string): Promise<string> {
  await call(target, 'DELETE', { account: grantee });
  return `Revoked account ${grantee}'s access to this account's lineage group.\n`;
}

export async function listShares(target: Target, format: 'table' | 'json'): Promise<string> {
  const answer = (await call(target, 'GET')) as LineageShareList;
  if (format === 'json') return `${JSON.stringify(answer, null, 2)}\n`;
  const rows = [
    ...answer.Granted.map((s) => ['granted', s.GranteeAccount, s.LineageGroupArn, isoTime(new Date(s.GrantedAt * 1000))]),
    ...answer.Received.map((s) => ['received', s.OwnerAccount, s.LineageGroupArn, isoTime(new Date(s.GrantedAt * 1000))]),
  ];
  if (rows.length === 0) return 'No lineage is shared by or with this account.\n';
  return table(['DIRECTION', 'ACCOUNT', 'LINEAGE GROUP', 'GRANTED'], rows, 100);
}
