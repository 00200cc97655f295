/**
 * Where a command's requests go: a running server by URL (`--endpoint`, `STEMMA_ENDPOINT`), or an
 * embedded server on a data directory (`--data`), started on a loopback port for the command's
 * duration. Either way the command talks through the same SDK session, so results are identical.
 */
import { SAGEMAKER_QUOTAS } from '../api/quotas.js';
import { connect } from '../sdk/session.js';
import type { LineageSession } from '../sdk/session.js';
import type { SignedRequestInit } from './signed-fetch.js';
import { signedFetch } from './signed-fetch.js';
import { silentLogger } from '../server/log.js';
import { cliCredentials } from './credentials.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

export interface TargetOptions {
  readonly endpoint?: string;
  readonly data?: string;
  readonly region?: string;
}

export interface Target {
  readonly session: LineageSession;
  /** The URL requests go to (the embedded server's, with --data). */
  readonly url: string;
  readonly embedded: boolean;
  /** A request to the server's own `/api/v1/…` routes (`path` from the root), signed like the session's. */
  rest(path: string, init?: SignedRequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  if (options.data !== undefined) {
    // Loaded only here: the store, API and jobs are the bulk of the CLI's start-up, and a command
    // against a running server (or `serve` itself) does not need them on this thread.
    const { startStemma } = await import('../server/stemma-server.js');
    const running = await startStemma({ dataDir: options.data, host: '127.0.0.1', port: 0, quotas: SAGEMAKER_QUOTAS, insecure: false, log: silentLogger });
    const session = connect({ endpoint: running.url, region: options.region, maxAttempts: 1 });
    return {
      session,
      url: running.url,
      embedded: true,
      rest: (path, init) => signedFetch(session, new URL(path, running.url), init),
      close: async () => {
        session.client.destroy();
        await running.close();
      },
    };
  }
  const url = options.endpoint ?? process.env['STEMMA_ENDPOINT'] ?? DEFAULT_ENDPOINT;
  const session = connect({ endpoint: url, region: options.region, credentials: cliCredentials() });
  return {
    session,
    url,
    embedded: false,
    rest: (path, init) => signedFetch(session, new URL(path, url), init),
    close: () => Promise.resolve(session.client.destroy()),
  };
}

/** Runs `fn` against the target and always closes it. */
export async function withTarget<T>(options: TargetOptions, fn: (target: Target) => Promise<T>): Promise<T> {
  const target = await openTarget(options);
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}
