/**
 * What strict authentication costs. The ingest benchmark's mixed workload runs over HTTP against
 * two servers on fresh SQLite directories in this run: one in open mode (the signature is only
 * parsed) and one in strict mode (every request re-signed with @smithy/signature-v4 and compared),
 * with `GET /ping` on the strict server as the HTTP-stack baseline. Requests are signed before the
 * clock starts, so the figures measure the server. A second table isolates `authenticate()` itself,
 * in-process, open against strict.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256Node } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { openAuthenticator } from '../src/server/auth.js';
import type { Authenticator } from '../src/server/auth.js';
import type { HttpRequest } from '../src/server/http-types.js';
import { strictAuthenticator } from '../src/server/strict-auth.js';
import { systemClock } from '../src/core/clock.js';
import { httpRequest, runLoad } from './http-load.js';
import { CLIENTS, runHttp, workload } from './ingest.js';
import type { Call } from './ingest.js';
import { startServerProcess } from './serve-process.js';
import type { Summary } from './stats.js';
import { fmt, summarize, table } from './stats.js';

// The ingest workload's ARNs name account 000000000000, so the bench key acts in that account.
const KEY = { accessKeyId: 'AKIABENCH00000000001', secretAccessKey: 'bench-secret', account: '000000000000', identity: 'bench' };
const UNVERIFIED_AUTH = `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20261121/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0`;

const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'sagemaker', sha256: Sha256Node });

async function signedHeaders(host: string, call: Call): Promise<Record<string, string>> {
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: host.split(':')[0] ?? host,
    path: '/',
    headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `SageMaker.${call.op}` },
    body: call.body,
  });
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

interface Raw {
  readonly latenciesMs: number[];
  readonly seconds: number;
  readonly errors: number;
}

async function runMixed(url: string, perClient: number, tag: string, sign: boolean): Promise<Raw> {
  const { hostname, port, host } = new URL(url);
  const requests = await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) =>
      Promise.all(
        workload(c, perClient, tag).map(async (call) => {
          const headers = sign
            ? await signedHeaders(host, call)
            : { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `SageMaker.${call.op}`, authorization: UNVERIFIED_AUTH };
          return httpRequest(hostname, Number(port), 'POST', '/', headers, call.body);
        }),
      ),
    ),
  );
  const result = await runLoad(url, requests);
  return { latenciesMs: result.latenciesMs, seconds: result.seconds, errors: result.non200 };
}

function merged(runs: readonly Raw[]): Summary & { errors: number } {
  const summary = summarize(runs.flatMap((r) => r.latenciesMs), runs.reduce((a, r) => a + r.seconds, 0));
  return { ...summary, errors: runs.reduce((a, r) => a + r.errors, 0) };
}

function runPing(url: string): Promise<Summary> {
  return runHttp(url, () => 'ping');
}

interface BenchServer {
  readonly url: string;
  stop(): Promise<void>;
}

async function startServer(dir: string, strict: boolean): Promise<BenchServer> {
  const keys = join(dir, 'keys.json');
  writeFileSync(keys, JSON.stringify({ keys: [KEY] }));
  return startServerProcess(['--data', join(dir, strict ? 'strict' : 'open'), '--quotas', 'off', ...(strict ? ['--keys', keys] : [])]);
}

/** `authenticate()` alone, on the same signed DescribeArtifact request, `n` times. */
async function authenticateCost(auth: Authenticator, n: number): Promise<Summary> {
  const call = workload(0, 3, 'auth').find((c) => c.op === 'DescribeArtifact') as Call;
  const host = '127.0.0.1:8080';
  const headers = { ...(await signedHeaders(host, call)), host };
  const request: HttpRequest = { method: 'POST', path: '/', headers, body: Buffer.from(call.body) };
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await auth.authenticate(request);
    latencies.push(performance.now() - t);
  }
  return summarize(latencies, (performance.now() - start) / 1000);
}

export async function authBenchmark(options: { requests: number; authentications: number }): Promise<string> {
  // The machine is shared: the two modes take turns, in several rounds, so drift in its load
  // falls on both alike.
  const rounds = 4;
  const perClient = Math.ceil(options.requests / CLIENTS / rounds);
  const dir = mkdtempSync(join(tmpdir(), 'stemma-bench-auth-'));
  const openServer = await startServer(dir, false);
  const strictServer = await startServer(dir, true);
  const openRuns: Raw[] = [];
  const strictRuns: Raw[] = [];
  let ping: Summary;
  try {
    await runMixed(openServer.url, 500, 'warmup', false);
    await runMixed(strictServer.url, 500, 'warmup', true);
    for (let round = 0; round < rounds; round++) {
      openRuns.push(await runMixed(openServer.url, perClient, `run${round}`, false));
      strictRuns.push(await runMixed(strictServer.url, perClient, `run${round}`, true));
    }
    ping = await runPing(strictServer.url);
  } finally {
    await openServer.stop();
    await strictServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const open = merged(openRuns);
  const strict = merged(strictRuns);
  const openAuth = await authenticateCost(openAuthenticator(), options.authentications);
  const strictAuth = await authenticateCost(strictAuthenticator({ keys: [KEY], clock: systemClock }), options.authentications);
  const row = (name: string, s: Summary, extra: string): string[] => [name, fmt.int(s.count), fmt.int(s.perSecond), fmt.ms(s.p50), fmt.ms(s.p95), fmt.ms(s.p99), extra];
  return [
    table(
      `Authentication over HTTP: the ingest mixed workload, ${CLIENTS} keep-alive clients, SQLite, ${rounds} alternating rounds`,
      ['path', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'note'],
      [
        row('strict mode (SigV4 verified)', strict, `${fmt.ratio(strict.perSecond / open.perSecond)} of open; ${strict.errors} non-200`),
        row('baseline: open mode (signature parsed only)', open, `${open.errors} non-200`),
        row('baseline: GET /ping, strict server', ping, 'public route, no authentication'),
      ],
    ),
    table(
      'authenticate() in-process, one signed DescribeArtifact request',
      ['authenticator', 'calls', 'calls/s', 'p50 ms', 'p95 ms', 'p99 ms', 'note'],
      [
        row('strict: re-sign and compare', strictAuth, `${fmt.ms(strictAuth.p50 * 1000)} µs p50`),
        row('baseline: open: parse the header', openAuth, `${fmt.ms(openAuth.p50 * 1000)} µs p50`),
      ],
    ),
  ].join('\n');
}
