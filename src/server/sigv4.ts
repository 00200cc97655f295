/**
 * Reads the credential scope out of a SigV4 `Authorization` header:
 * `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=…, Signature=…`.
 * This only parses; verifying the signature is the job of the strict authenticator. Every request
 * is parsed on the socket thread, so this walks the header once with indexOf instead of building
 * a map of its fields.
 */
export interface SigV4Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

const SPACE = /\s/;

export function parseAuthorization(header: string | undefined): SigV4Credential | undefined {
  if (!header) return undefined;
  const text = header.trim();
  // The algorithm, then at least one space, then the comma-separated fields.
  if (!text.startsWith(ALGORITHM) || !SPACE.test(text.charAt(ALGORITHM.length))) return undefined;
  let credential: string | undefined;
  let signedHeaders = '';
  let signature = '';
  for (let start = ALGORITHM.length; start < text.length; ) {
    const comma = text.indexOf(',', start);
    const end = comma < 0 ? text.length : comma;
    const eq = text.indexOf('=', start);
    if (eq >= 0 && eq < end) {
      const name = text.slice(start, eq).trim();
      // A name given twice keeps its last value.
      if (name === 'Credential') credential = text.slice(eq + 1, end).trim();
      else if (name === 'SignedHeaders') signedHeaders = text.slice(eq + 1, end).trim();
      else if (name === 'Signature') signature = text.slice(eq + 1, end).trim();
    }
    start = end + 1;
  }
  const scope = credential?.split('/');
  if (!scope || scope.length !== 5 || scope[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = scope as [string, string, string, string, string];
  if (!accessKeyId || !region) return undefined;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';').filter(Boolean), signature };
}
