/**
 * The `stemma` command. Thin by design: it turns argv into configuration and calls the library.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parseQuotaOption } from '../api/quotas.js';
import type { ImageMapping } from '../jobs/image-map.js';
import { parseImageMappings } from '../jobs/image-map.js';
import { jsonLogger } from '../server/log.js';
import { startStemma } from '../server/stemma-server.js';
import { describeStore } from '../storage/open-store.js';

export const DEFAULT_DATA_DIR = join(homedir(), '.stemma');

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

function depth(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('expected a depth 1-1000');
  return n;
}

function quotas(text: string): ReturnType<typeof parseQuotaOption> {
  try {
    return parseQuotaOption(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** `--image-map`: a JSON file (or a file of pattern=command lines), or pattern=command entries inline. */
function imageMap(text: string): ImageMapping[] {
  try {
    return parseImageMappings(existsSync(text) ? readFileSync(text, 'utf8') : text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function buildProgram(): Command {
  const program = new Command('stemma')
    .description('Self-hosted ML lineage tracking that speaks the SageMaker API')
    .showHelpAfterError();

  program
    .command('serve')
    .description('Run the Stemma server, on the embedded store or on PostgreSQL')
    .option('--data <dir>', 'data directory for the embedded database', process.env['STEMMA_DATA'] ?? DEFAULT_DATA_DIR)
    .option('--db <url>', 'postgres://user:password@host:port/database: run on PostgreSQL (several replicas may share it) instead of --data', process.env['STEMMA_DB'])
    .option('--host <host>', 'address to listen on', process.env['STEMMA_HOST'] ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, Number(process.env['STEMMA_PORT'] ?? 8080))
    .option('--quotas <spec>', "quotas on manually created entities: 'sagemaker', 'off', or artifact=N,action=N,…", quotas, parseQuotaOption('sagemaker'))
    .option('--max-depth <n>', 'deepest QueryLineage MaxDepth accepted (SageMaker: 10)', depth, 10)
    .option('--insecure', 'allow open (unauthenticated) mode on a non-loopback address', false)
    .option(
      '--image-map <file|spec>',
      "container images to local commands for jobs: a JSON file [{\"pattern\": \"acme/*\", \"command\": [\"python3\"]}] or 'pattern=command;…'",
      imageMap,
      process.env['STEMMA_IMAGE_MAP'] === undefined ? [] : imageMap(process.env['STEMMA_IMAGE_MAP']),
    )
    .action(async (opts: { data: string; db?: string; host: string; port: number; quotas: ReturnType<typeof parseQuotaOption>; maxDepth: number; insecure: boolean; imageMap: ImageMapping[] }) => {
      const log = jsonLogger();
      const running = await startStemma({
        dataDir: opts.data,
        db: opts.db,
        host: opts.host,
        port: opts.port,
        quotas: opts.quotas,
        maxLineageDepth: opts.maxDepth,
        insecure: opts.insecure,
        imageMappings: opts.imageMap,
        log,
      });
      const where = describeStore({ dataDir: opts.data, db: opts.db });
      log.info('stemma listening', { url: running.url, [opts.db === undefined ? 'data' : 'db']: where });
      process.stdout.write(`Stemma is listening on ${running.url} (${opts.db === undefined ? 'data' : 'database'}: ${where})\n`);
      const stop = (): void => {
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (e) {
    process.stderr.write(`stemma: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
