/**
 * The `stemma` command. Thin by design: it turns argv into configuration and calls the library.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseQuotaOption } from '../api/quotas.js';
import type { ImageMapping } from '../jobs/image-map.js';
import { parseImageMappings } from '../jobs/image-map.js';
import type { AuthMode } from '../server/auth-mode.js';
import { jsonLogger } from '../server/log.js';
import { describeStore } from '../storage/open-store.js';
import { Action } from '../sdk/action.js';
import { Artifact } from '../sdk/artifact.js';
import { Association } from '../sdk/associations.js';
import { Context } from '../sdk/context.js';
import type { AssociationEdgeType, LineageQueryDirection } from '../sdk/enums.js';
import { SageMakerServiceException } from '../sdk/errors.js';
import { ENTITY_KINDS, deleteEntity, describeEntity, describePlan, keyValues, listEntities, parsePairs, planDelete } from './commands/entities.js';
import { JOB_KINDS, findJob, followLog, jobLabel, readLog } from './commands/logs.js';
import type { JobKindName } from './commands/logs.js';
import { explorerUrl, launchBrowser } from './commands/open.js';
import { QUERY_FORMATS, runQuery } from './commands/query.js';
import type { QueryFormat } from './commands/query.js';
import { exportLineage, importLineage, terminalProgress } from './commands/transfer.js';
import { getObject, listObjects, putObjects } from './commands/objects.js';
import { grantShare, listShares, parseAccount, revokeShare } from './commands/share.js';
import { UserError, resolveEntity } from './resolve.js';
import { withTarget } from './target.js';
import type { TargetOptions } from './target.js';

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

/** `--s3-endpoint`: an http(s) URL; checked here so a typo fails at start, not in the first job. */
function s3Endpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(`${text} is not a URL (e.g. http://127.0.0.1:9000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`${text} is not an http:// or https:// URL`);
  return text;
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
    .option('--keys <file>', 'keys file of access keys, secrets, accounts and identities: turns on strict SigV4 authentication', process.env['STEMMA_KEYS'])
    .addOption(new Option('--auth <mode>', 'authentication: open (any credentials) or strict (default: strict with --keys, else open)').choices(['open', 'strict']))
    .option('--single-thread', 'run the API on the socket thread instead of a thread of its own (slower under load; for profiling)', false)
    .option('--commit-batch <n>', 'embedded store: writes that share one commit at most (default 4; benchmarks compare others)', positive)
    .option(
      '--image-map <file|spec>',
      "container images to local commands for jobs: a JSON file [{\"pattern\": \"acme/*\", \"command\": [\"python3\"]}] or 'pattern=command;…'",
      imageMap,
      process.env['STEMMA_IMAGE_MAP'] === undefined ? [] : imageMap(process.env['STEMMA_IMAGE_MAP']),
    )
    .option(
      '--s3-endpoint <url>',
      's3:// URIs live on this S3-compatible endpoint (path-style; credentials from the AWS provider chain) instead of <data>/objects',
      s3Endpoint,
      process.env['STEMMA_S3_ENDPOINT'] === undefined || process.env['STEMMA_S3_ENDPOINT'] === '' ? undefined : s3Endpoint(process.env['STEMMA_S3_ENDPOINT']),
    )
    .option('--s3-region <region>', 'region of --s3-endpoint requests', process.env['AWS_REGION'] ?? 'us-east-1')
    .action(async (opts: { data: string; db?: string; host: string; port: number; quotas: ReturnType<typeof parseQuotaOption>; maxDepth: number; insecure: boolean; keys?: string; auth?: AuthMode; imageMap: ImageMapping[]; singleThread: boolean; commitBatch?: number; s3Endpoint?: string; s3Region: string }) => {
      const log = jsonLogger();
      const config = {
        dataDir: opts.data,
        db: opts.db,
        host: opts.host,
        port: opts.port,
        quotas: opts.quotas,
        maxLineageDepth: opts.maxDepth,
        insecure: opts.insecure,
        keysFile: opts.keys === '' ? undefined : opts.keys,
        auth: opts.auth,
        imageMappings: opts.imageMap,
        s3: opts.s3Endpoint === undefined ? undefined : { endpoint: opts.s3Endpoint, region: opts.s3Region },
        commitBatch: opts.commitBatch,
      };
      // Loaded here, not at the top: with two threads this one needs only the socket side, while
      // the application thread loads the rest in parallel.
      const running = opts.singleThread
        ? await (await import('../server/stemma-server.js')).startStemma({ ...config, log })
        : await (await import('../server/threaded-server.js')).startThreadedStemma(config, log);
      const where = describeStore({ dataDir: opts.data, db: opts.db });
      log.info('stemma listening', { url: running.url, [opts.db === undefined ? 'data' : 'db']: where, auth: running.authMode, objects: opts.s3Endpoint ?? 'built-in' });
      process.stdout.write(`Stemma is listening on ${running.url} (${opts.db === undefined ? 'data' : 'database'}: ${where}; auth: ${running.authMode})\n`);
      const stop = (): void => {
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  addClientCommands(program);
  return program;
}

/** The options every client command shares: where its requests go. */
function targeted(command: Command): Command {
  return command
    .option('--endpoint <url>', 'Stemma server URL (env STEMMA_ENDPOINT; default http://127.0.0.1:8080)')
    .option('--data <dir>', 'run embedded on this data directory instead of calling a server')
    .option('--region <region>', 'AWS region of the requests', 'us-east-1');
}

const collectValues = (value: string, previous: string[]): string[] => [...previous, value];

function write(text: string): void {
  process.stdout.write(text);
}

function addClientCommands(program: Command): void {
  targeted(program.command('ls <kind>'))
    .description(`list entities: ${ENTITY_KINDS.join(', ')}`)
    .option('--type <type>', 'artifact/action/context type, or association type')
    .option('--source-uri <uri>', 'only entities with this source URI')
    .option('--from <entity>', 'associations: only from this entity')
    .option('--to <entity>', 'associations: only to this entity')
    .option('--limit <n>', 'at most this many rows', (v) => positive(v))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (kind: string, o: TargetOptions & { type?: string; sourceUri?: string; from?: string; to?: string; limit?: number; format: 'table' | 'json' }) => {
      await withTarget(o, async ({ session }) => write(await listEntities(session, kind, { ...o, source: o.from, destination: o.to })));
    });

  targeted(program.command('describe <entity>'))
    .description('show an artifact, action or context (by ARN, source URI or name) with its tags')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (ref: string, o: TargetOptions & { format: 'table' | 'json' }) => {
      await withTarget(o, async ({ session }) => {
        const record = await describeEntity(session, await resolveEntity(session, ref));
        write(o.format === 'json' ? `${JSON.stringify(record, null, 2)}\n` : keyValues(record));
      });
    });

  const create = program.command('create').description('create an artifact, action, context or association');
  targeted(create.command('artifact <source-uri>'))
    .requiredOption('--type <type>', 'artifact type, e.g. DataSet, Model, Image')
    .option('--name <name>', 'artifact name')
    .option('--property <key=value>', 'a property (repeatable)', collectValues, [])
    .action(async (uri: string, o: TargetOptions & { type: string; name?: string; property: string[] }) => {
      await withTarget(o, async ({ session }) => {
        const a = await Artifact.create(session, { sourceUri: uri, artifactType: o.type, artifactName: o.name, properties: parsePairs(o.property) });
        write(`${a.arn}\n`);
      });
    });
  for (const kind of ['action', 'context'] as const) {
    targeted(create.command(`${kind} <name>`))
      .requiredOption('--type <type>', `${kind} type`)
      .requiredOption('--source-uri <uri>', 'source URI')
      .option('--description <text>', 'description')
      .option('--property <key=value>', 'a property (repeatable)', collectValues, [])
      .action(async (name: string, o: TargetOptions & { type: string; sourceUri: string; description?: string; property: string[] }) => {
        await withTarget(o, async ({ session }) => {
          const common = { sourceUri: o.sourceUri, description: o.description, properties: parsePairs(o.property) };
          const e = kind === 'action'
            ? await Action.create(session, { actionName: name, actionType: o.type, ...common })
            : await Context.create(session, { contextName: name, contextType: o.type, ...common });
          write(`${e.arn}\n`);
        });
      });
  }
  targeted(create.command('association <source> <destination>'))
    .option('--type <type>', 'ContributedTo, AssociatedWith, DerivedFrom, Produced or SameAs')
    .action(async (source: string, destination: string, o: TargetOptions & { type?: AssociationEdgeType }) => {
      await withTarget(o, async ({ session }) => {
        const a = await Association.create(session, {
          sourceArn: (await resolveEntity(session, source)).arn,
          destinationArn: (await resolveEntity(session, destination)).arn,
          associationType: o.type,
        });
        write(`${a.sourceArn} -> ${a.destinationArn}\n`);
      });
    });

  targeted(program.command('delete <entity>'))
    .description('delete an artifact, action or context (by ARN, source URI or name)')
    .option('--cascade', 'delete its associations first', false)
    .option('--dry-run', 'only list what would be deleted', false)
    .action(async (ref: string, o: TargetOptions & { cascade: boolean; dryRun: boolean }) => {
      await withTarget(o, async ({ session }) => {
        const plan = await planDelete(session, await resolveEntity(session, ref));
        if (o.dryRun) {
          write(o.cascade || plan.associations.length === 0 ? `Would delete:\n${describePlan(plan)}` : describePlan({ ...plan, associations: [] }));
          if (!o.cascade && plan.associations.length > 0) throw new UserError(`${plan.entity.arn} has ${plan.associations.length} associations; only --cascade would delete it.`);
          return;
        }
        if (!o.cascade && plan.associations.length > 0) {
          throw new UserError(`${plan.entity.arn} has ${plan.associations.length} associations; pass --cascade to delete them too (--dry-run lists them).`);
        }
        await deleteEntity(session, plan, o.cascade);
        write(`Deleted ${plan.entity.arn}${plan.associations.length > 0 ? ` and ${plan.associations.length} associations` : ''}\n`);
      });
    });

  targeted(program.command('query <entity>'))
    .description('lineage around an entity (ARN, name or source URI)')
    .addOption(new Option('--direction <direction>', 'which way to walk').choices(['Ascendants', 'Descendants', 'Both']).default('Both'))
    .option('--depth <n>', 'how many associations away (1-10)', (v) => positive(v), 10)
    .option('--lineage-type <type>', 'only Artifact, Action, Context or TrialComponent (repeatable)', collectValues, [])
    .option('--type <type>', 'only this entity type, e.g. DataSet, Endpoint, TrainingJob (repeatable)', collectValues, [])
    .option('--no-edges', 'leave out associations and the entities on the paths to matches')
    .addOption(new Option('--format <format>', 'output format').choices([...QUERY_FORMATS]).default('table'))
    .action(async (ref: string, o: TargetOptions & { direction: LineageQueryDirection; depth: number; lineageType: string[]; type: string[]; edges: boolean; format: QueryFormat }) => {
      await withTarget(o, async ({ session }) =>
        write(await runQuery(session, ref, { direction: o.direction, depth: o.depth, lineageTypes: o.lineageType, types: o.type, edges: o.edges, format: o.format })),
      );
    });

  targeted(program.command('export'))
    .description("write the account's lineage as JSON lines (stdout)")
    .action(async (o: TargetOptions) => {
      await withTarget(o, async ({ session }) => {
        const n = await exportLineage(session, process.stdout, terminalProgress('export'));
        process.stderr.write(`Exported ${n} lines.\n`);
      });
    });

  targeted(program.command('import'))
    .description('create the entities and associations of an export (JSON lines on stdin)')
    .action(async (o: TargetOptions) => {
      await withTarget(o, async ({ session }) => {
        const r = await importLineage(session, process.stdin, terminalProgress('import'));
        process.stderr.write(`Imported ${r.entities} entities and ${r.associations} associations.${r.skipped > 0 ? ` Skipped ${r.skipped} associations to trial components or experiments, which this server cannot create yet.` : ''}\n`);
      });
    });

  const share = program.command('share').description("share this account's lineage group with another account (one-way, all or nothing)");
  targeted(share.command('grant <account>'))
    .description('let another account describe, associate with and query the lineage of this one')
    .action(async (account: string, o: TargetOptions) => {
      const grantee = parseAccount(account);
      await withTarget(o, async (target) => write(await grantShare(target, grantee)));
    });
  targeted(share.command('revoke <account>'))
    .description("take back another account's access to this account's lineage")
    .action(async (account: string, o: TargetOptions) => {
      const grantee = parseAccount(account);
      await withTarget(o, async (target) => write(await revokeShare(target, grantee)));
    });
  targeted(share.command('ls'))
    .description('list the grants this account made and received')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: TargetOptions & { format: 'table' | 'json' }) => {
      await withTarget(o, async (target) => write(await listShares(target, o.format)));
    });

  const objects = program.command('objects').description('the objects behind s3:// URIs, wherever the server keeps them');
  targeted(objects.command('put <path> <uri>'))
    .description('upload a file to s3://bucket/key (a URI ending in / keeps the file name), or a directory under s3://bucket/prefix')
    .action(async (path: string, uri: string, o: TargetOptions) => {
      await withTarget(o, async (target) => write(await putObjects(target, path, uri)));
    });
  targeted(objects.command('get <uri> [file]'))
    .description('download an object to a file, or to stdout')
    .action(async (uri: string, file: string | undefined, o: TargetOptions) => {
      await withTarget(o, async (target) => {
        const got = await getObject(target, uri, file);
        if (typeof got === 'string') write(got);
        else process.stdout.write(got);
      });
    });
  targeted(objects.command('ls <uri>'))
    .description('list the objects under s3://bucket/ or s3://bucket/prefix')
    .action(async (uri: string, o: TargetOptions) => {
      await withTarget(o, async (target) => write(await listObjects(target, uri)));
    });

  targeted(program.command('logs <job>'))
    .description('print what a training, processing or transform job wrote to stdout and stderr (by name or ARN)')
    .addOption(new Option('--kind <kind>', 'the job kind (default: whichever kind has a job of that name)').choices([...JOB_KINDS]))
    .option('--follow', 'keep printing as the job writes, until it completes, fails or stops (exit code 1 if it failed)', false)
    .option('--interval <ms>', 'with --follow: how often to poll', (v) => positive(v), 1000)
    .action(async (ref: string, o: TargetOptions & { kind?: JobKindName; follow: boolean; interval: number }) => {
      await withTarget(o, async (target) => {
        const job = await findJob(target.session, ref, o.kind);
        if (!o.follow) {
          process.stdout.write(await readLog(target, job));
          return;
        }
        const end = await followLog(target, job, { intervalMs: o.interval, write: (chunk) => process.stdout.write(chunk) });
        if (end.status === 'Failed') throw new UserError(`The ${jobLabel(job)} failed: ${end.failureReason ?? 'no reason given'}`);
        process.stderr.write(`The ${jobLabel(job)} is ${end.status}.\n`);
      });
    });

  targeted(program.command('open <entity>'))
    .description('open the web explorer on an entity (with --data, serves it until Ctrl-C)')
    .option('--no-browser', 'only print the URL')
    .action(async (ref: string, o: TargetOptions & { browser: boolean }) => {
      if (o.data === undefined) {
        await withTarget(o, async ({ session, url }) => {
          const link = explorerUrl(url, (await resolveEntity(session, ref)).arn);
          write(`${link}\n`);
          if (o.browser) launchBrowser(link);
        });
        return;
      }
      const { startStemma } = await import('../server/stemma-server.js');
      const running = await startStemma({ dataDir: o.data, host: '127.0.0.1', port: 0, quotas: parseQuotaOption('sagemaker'), insecure: false, log: jsonLogger() });
      await withTarget({ endpoint: running.url, region: o.region }, async ({ session }) => {
        const link = explorerUrl(running.url, (await resolveEntity(session, ref)).arn);
        write(`${link}\nServing ${o.data}; press Ctrl-C to stop.\n`);
        if (o.browser) launchBrowser(link);
      });
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await running.close();
    });
}

function positive(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** One line for a failure: AWS errors by their code, the user's mistakes as they are. */
export function errorLine(e: unknown): string {
  if (e instanceof SageMakerServiceException) return `${e.name}: ${e.message}`;
  if (e instanceof UserError) return e.message;
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  // The SDK reports the socket's error itself; fetch (the /api/v1 commands) wraps it as the cause.
  if (err.code === 'ECONNREFUSED' || err.cause?.code === 'ECONNREFUSED') return `Cannot reach the Stemma server (${err.message ?? 'connection refused'}). Start one with \`stemma serve\`, or pass --endpoint or --data.`;
  return err.message ?? String(e);
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().exitOverride().parseAsync([...argv]);
  } catch (e) {
    // Commander has printed its own message for usage errors; exit codes carry over.
    const code = (e as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      process.exitCode = (e as { exitCode?: number }).exitCode ?? 1;
      return;
    }
    process.stderr.write(`stemma: ${errorLine(e).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
