/**
 * Sign-in for a Stemma server in strict mode. The explorer's requests go through {@link apiFetch}:
 * with credentials in sessionStorage they are SigV4-signed in the browser (service `sagemaker`,
 * `@smithy/signature-v4`, the AWS SDK's own signer) exactly like an SDK client's; when the server
 * refuses a request for want of valid credentials, a sign-in dialog asks for an access key and
 * secret, and the request is retried. Against an open server nobody is ever asked.
 *
 * The secret stays in this tab's sessionStorage (gone when the tab closes) and never leaves the
 * browser: only signatures are sent.
 */
import { Sha256Js } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { SIGNING_SERVICE, signingQuery } from '../../src/core/signing.js';

export interface BrowserCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

const STORAGE_KEY = 'stemma.credentials';
/** The server's answers that mean "sign in (again)". */
const AUTH_ERRORS = new Set(['MissingAuthenticationTokenException', 'UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignatureException']);

export function storedCredentials(): BrowserCredentials | undefined {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (!text) return undefined;
  try {
    const c = JSON.parse(text) as Partial<BrowserCredentials>;
    return c.accessKeyId && c.secretAccessKey ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, region: c.region || 'us-east-1' } : undefined;
  } catch {
    return undefined;
  }
}

export interface ApiRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

async function signed(url: URL, init: ApiRequestInit, credentials: BrowserCredentials): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region: credentials.region, service: SIGNING_SERVICE, sha256: Sha256Js });
  const query = signingQuery(url.searchParams);
  const request = await signer.sign({
    method: init.method ?? 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    query,
    // The browser sends Host itself, with this same value.
    headers: { ...init.headers, host: url.host },
    body: init.body,
  });
  const { host: _host, ...headers } = request.headers;
  return headers;
}

async function isAuthFailure(res: Response): Promise<string | undefined> {
  if (res.status !== 403) return undefined;
  const body = (await res.clone().json().catch(() => ({}))) as { __type?: unknown; message?: unknown };
  return typeof body.__type === 'string' && AUTH_ERRORS.has(body.__type) ? `${body.__type}: ${String(body.message)}` : undefined;
}

let pendingSignIn: Promise<void> | undefined;

/** `fetch` for the explorer's API calls: signed when signed in; asks for credentials when the server wants them. */
export async function apiFetch(path: string, init: ApiRequestInit = {}): Promise<Response> {
  const url = new URL(path, location.href);
  for (;;) {
    const credentials = storedCredentials();
    const headers = credentials ? await signed(url, init, credentials) : { ...init.headers };
    const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) });
    const problem = await isAuthFailure(res);
    if (problem === undefined) return res;
    // One dialog for all the requests refused at once.
    pendingSignIn ??= askForCredentials(credentials ? problem : undefined).finally(() => (pendingSignIn = undefined));
    await pendingSignIn;
  }
}

function field(label: string, name: string, type: string, value: string): HTMLLabelElement {
  const l = document.createElement('label');
  l.style.cssText = 'display:grid;grid-template-columns:9em 1fr;align-items:center';
  l.textContent = label;
  const input = document.createElement('input');
  Object.assign(input, { name, type, value, required: name !== 'region', autocomplete: 'off', spellcheck: false });
  input.id = `sign-in-${name}`;
  l.append(input);
  return l;
}

/** Shows the sign-in dialog and resolves once credentials are stored. */
function askForCredentials(problem: string | undefined): Promise<void> {
  const dialog = document.createElement('dialog');
  dialog.id = 'sign-in';
  const form = document.createElement('form');
  form.method = 'dialog';
  form.style.cssText = 'display:grid;gap:0.6em;width:26em;margin:0';
  const title = document.createElement('h2');
  title.textContent = 'Sign in to Stemma';
  const hint = document.createElement('p');
  hint.textContent = 'This server requires signed requests. Use an access key from its keys file; it is kept in this tab only.';
  const error = document.createElement('p');
  error.id = 'sign-in-error';
  error.setAttribute('role', 'alert');
  error.style.color = '#b00020';
  error.textContent = problem ?? '';
  error.hidden = problem === undefined;
  const previous = storedCredentials();
  const submit = document.createElement('button');
  submit.type = 'submit';
  submit.textContent = 'Sign in';
  form.append(
    title,
    hint,
    error,
    field('Access key ID', 'accessKeyId', 'text', previous?.accessKeyId ?? ''),
    field('Secret access key', 'secretAccessKey', 'password', ''),
    field('Region', 'region', 'text', previous?.region ?? 'us-east-1'),
    submit,
  );
  dialog.append(form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    form.addEventListener('submit', () => {
      const data = new FormData(form);
      const value = (name: string) => {
        const v = data.get(name);
        return typeof v === 'string' ? v.trim() : '';
      };
      sessionStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({ accessKeyId: value('accessKeyId'), secretAccessKey: value('secretAccessKey'), region: value('region') || 'us-east-1' }),
      );
      dialog.remove();
      resolve();
    });
    // Escape would leave the explorer waiting on a dialog that is gone: keep it open.
    dialog.addEventListener('cancel', (e) => e.preventDefault());
    dialog.showModal();
  });
}
