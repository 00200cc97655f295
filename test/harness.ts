/**
 * Starts a real Stemma server on a free loopback port with a fresh store, and gives tests a real
 * `@aws-sdk/client-sagemaker` client pointed at it.
 *
 * The store's backend comes from STEMMA_TEST_BACKEND (set per vitest project, see
 * vitest.config.ts): `sqlite` (default) gives each server a fresh data directory, `postgres` a
 * fresh database in the run's throwaway PostgreSQL cluster.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { QuotaLimits } from '../src/api/quotas.js';
import type { S3Config } from '../src/jobs/s3-bucket-store.js';
import { SAGEMAKER_QUOTAS } from '../src/api/quotas.js';
import type { Authenticator } from '../src/server/auth.js';
import { silentLogger } from '../src/server/log.js';
import type { AccessKey } from '../src/server/keys-file.js';
import type { RunningStemma } from '../src/server/stemma-server.js';
import { startStemma } from '../src/server/stemma-server.js';
import type { TestDatabase } from './postgres-databases.js';
import { freshDatabase } from './postgres-databases.js';

export type TestBackend = 'sqlite' | 'postgres';

export function testBackend(): TestBackend {
  return process.env['STEMMA_TEST_BACKEND'] === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestServer {
  readonly url: string;
  readonly backend: TestBackend;
  /** The embedded store's directory (unused on PostgreSQL). */
  readonly dataDir: string;
  readonly running: RunningStemma;
  /**
   * A client signing with the given key. Defaults: the first of `keys` on a strict server,
   * `AKIDTEST` / `test-secret` on an open one. `systemClockOffset` (ms) skews the client's clock.
   */
  client(options?: ClientOptions): SageMakerClient;
  /** A raw AWS JSON 1.1 call, for what the SDK would refuse to send. */
  raw(target: string | undefined, body: string | Buffer, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface ClientOptions {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly region?: string;
  readonly systemClockOffset?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

/**
 * Posts one AWS JSON 1.1 request as it is, unsigned unless `headers` sign it, and returns the answer
 * unparsed: for what the SDK would refuse to send, and for answers that may not be JSON at all.
 */
export async function postAwsJson(
  url: string,
  target: string | undefined,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(target === undefined ? {} : { 'x-amz-target': target }), ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function tempDir(prefix = 'stemma-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestServerOptions {
  readonly quotas?: QuotaLimits | null;
  readonly dataDir?: string;
  /** A PostgreSQL database to share with other servers (as replicas do); kept when the server closes. */
  readonly db?: string;
  readonly maxLineageDepth?: number;
  /** Grace between SIGTERM and SIGKILL for stopped jobs. */
  readonly stopGraceMs?: number;
  /** The web explorer's files to serve at `/` (default: the package's `dist/web`). */
  readonly webRoot?: string;
  /** Access keys: written to a keys file in the data directory, and the server runs in strict mode. */
  readonly keys?: readonly AccessKey[];
  /** Who requests come from (default: open mode, every key in account 000000000000); see test/accounts.ts. */
  readonly authenticator?: Authenticator;
  /** Keep `s3://` objects on this S3-compatible endpoint instead of the built-in store. */
  readonly s3?: S3Config;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const backend = testBackend();
  const dataDir = options.dataDir ?? tempDir();
  const database: TestDatabase | undefined = backend === 'postgres' && !options.db ? await freshDatabase() : undefined;
  let keysFile: string | undefined;
  if (options.keys) {
    keysFile = join(dataDir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: options.keys }));
  }
  const defaultKey = options.keys?.[0] ?? { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
  const running = await startStemma({
    dataDir,
    db: options.db ?? database?.url,
    host: '127.0.0.1',
    port: 0,
    quotas: options.quotas === undefined ? SAGEMAKER_QUOTAS : options.quotas,
    maxLineageDepth: options.maxLineageDepth,
    stopGraceMs: options.stopGraceMs,
    webRoot: options.webRoot,
    keysFile,
    authenticator: options.authenticator,
    s3: options.s3,
    insecure: false,
    log: silentLogger,
  });
  const clients: SageMakerClient[] = [];
  return {
    url: running.url,
    backend,
    dataDir,
    running,
    client: (clientOptions = {}) => {
      const accessKeyId = clientOptions.accessKeyId ?? defaultKey.accessKeyId;
      const secretAccessKey =
        clientOptions.secretAccessKey ?? options.keys?.find((k) => k.accessKeyId === accessKeyId)?.secretAccessKey ?? defaultKey.secretAccessKey;
      const client = new SageMakerClient({
        endpoint: running.url,
        region: clientOptions.region ?? 'us-east-1',
        credentials: { accessKeyId, secretAccessKey },
        maxAttempts: 1,
        ...(clientOptions.systemClockOffset === undefined ? {} : { systemClockOffset: clientOptions.systemClockOffset }),
      });
      clients.push(client);
      return client;
    },
    raw: async (target, body, headers = {}) => {
      const { status, headers: answered, text } = await postAwsJson(running.url, target, body, headers);
      return { status, headers: answered, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    close: async () => {
      for (const c of clients) c.destroy();
      await running.close();
      await database?.drop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a promise that must fail, and returns the AWS error it failed with. */
export async function awsError(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
