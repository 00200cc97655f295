/**
 * The keys file of strict mode: which access keys may call the server, with their secrets, and the
 * account and identity each one acts as.
 *
 * ```json
 * {"keys": [{"accessKeyId": "AKIA…", "secretAccessKey": "…", "account": "111111111111", "identity": "alice"}]}
 * ```
 * A top-level array of the same entries is accepted too. Every problem is reported as one line
 * naming the entry (by position and, when it has one, its access key id), so a typo in a file of
 * fifty keys is found at start, not at the first failed request.
 */
import { readFileSync } from 'node:fs';

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** 12 digits: the account every ARN this key creates belongs to. */
  readonly account: string;
  /** The IAM user name shown in CreatedBy / LastModifiedBy. */
  readonly identity: string;
}

export class KeysFileError extends Error {}

// IAM's own rules: access key ids are 16–128 word characters, user names 1–64 of [\w+=,.@-].
const ACCESS_KEY_ID_RE = /^\w{16,128}$/;
const IDENTITY_RE = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT_RE = /^\d{12}$/;
const KNOWN_FIELDS = new Set(['accessKeyId', 'secretAccessKey', 'account', 'identity']);

function stringField(entry: Record<string, unknown>, field: string, where: string): string {
  const value = entry[field];
  if (value === undefined || value === null || value === '') throw new KeysFileError(`${where}: missing "${field}".`);
  if (typeof value !== 'string') throw new KeysFileError(`${where}: "${field}" must be a string.`);
  return value;
}

function parseEntry(entry: unknown, index: number): AccessKey {
  let where = `key #${index + 1}`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new KeysFileError(`${where}: must be an object.`);
  const record = entry as Record<string, unknown>;
  const accessKeyId = stringField(record, 'accessKeyId', where);
  where = `key #${index + 1} (${accessKeyId.slice(0, 128)})`;
  if (!ACCESS_KEY_ID_RE.test(accessKeyId)) throw new KeysFileError(`${where}: "accessKeyId" must be 16 to 128 letters, digits or underscores.`);
  const secretAccessKey = stringField(record, 'secretAccessKey', where);
  const account = stringField(record, 'account', where);
  if (!ACCOUNT_RE.test(account)) throw new KeysFileError(`${where}: "account" must be 12 digits, got "${account.slice(0, 40)}".`);
  const identity = stringField(record, 'identity', where);
  if (!IDENTITY_RE.test(identity)) {
    throw new KeysFileError(`${where}: "identity" must be 1 to 64 characters of letters, digits and +=,.@_- (an IAM user name).`);
  }
  const unknown = Object.keys(record).find((k) => !KNOWN_FIELDS.has(k));
  if (unknown !== undefined) throw new KeysFileError(`${where}: unknown field "${unknown.slice(0, 40)}".`);
  return { accessKeyId, secretAccessKey, account, identity };
}

/** Parses the text of a keys file; throws {@link KeysFileError} with a one-line reason. */
export function parseKeys(text: string): AccessKey[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new KeysFileError(`not valid JSON: ${(e as Error).message}`);
  }
  const entries = Array.isArray(document)
    ? document
    : document !== null && typeof document === 'object' && Array.isArray((document as Record<string, unknown>)['keys'])
      ? ((document as Record<string, unknown>)['keys'] as unknown[])
      : undefined;
  if (entries === undefined) throw new KeysFileError('expected {"keys": [...]} or an array of keys.');
  if (entries.length === 0) throw new KeysFileError('no keys: strict mode would refuse every request.');
  const keys: AccessKey[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const key = parseEntry(entry, index);
    const first = seen.get(key.accessKeyId);
    if (first !== undefined) throw new KeysFileError(`key #${index + 1} (${key.accessKeyId}): duplicate access key id, already key #${first + 1}.`);
    seen.set(key.accessKeyId, index);
    keys.push(key);
  });
  return keys;
}

/** Reads and parses a keys file; the error names the file. */
export function readKeysFile(path: string): AccessKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KeysFileError(`Cannot read keys file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  try {
    return parseKeys(text);
  } catch (e) {
    if (e instanceof KeysFileError) throw new KeysFileError(`Keys file ${path}: ${e.message}`);
    throw e;
  }
}
