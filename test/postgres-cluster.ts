/**
 * A throwaway PostgreSQL cluster for tests and benchmarks, made from the machine's own server
 * binaries (`initdb`, `pg_ctl`): created in a temporary directory, listening only on a unix socket
 * there (no port to collide with), removed when stopped.
 *
 * PostgreSQL refuses to run as root. When this process is root (CI containers often are), the
 * cluster is created and run as the unprivileged `nobody` user through `runuser`; its directory
 * is handed to that user. Clients connect over the socket with `trust` authentication, as user
 * `stemma`, from any OS user.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

/** The databases of a running cluster, reached through its socket directory. */
export interface PostgresDatabases {
  readonly socketDir: string;
  /** Connection URL of a database in the cluster. */
  url(database: string): string;
  createDatabase(name: string, template?: string): Promise<void>;
  /** Drops a database, disconnecting whoever still uses it. */
  dropDatabase(name: string): Promise<void>;
}

export interface PostgresCluster extends PostgresDatabases {
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /**
   * false (tests): no fsync and asynchronous commit, for speed; a crash of the machine may lose
   * the cluster, which is thrown away anyway. true (benchmarks): PostgreSQL's durable defaults.
   */
  readonly durable: boolean;
}

const SUPERUSER = 'stemma';

/** The database tests copy theirs from (migrated once per run by test/postgres-global-setup.ts). */
export const TEMPLATE_DATABASE = 'stemma_template';

/** Finds a PostgreSQL server program on PATH, else in Debian's versioned directories (newest first). */
export function findPostgresBinary(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const path = join(root, v, 'bin', name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function requireBinary(name: string): string {
  const path = findPostgresBinary(name);
  if (!path) {
    throw new Error(
      `PostgreSQL's ${name} was not found on PATH or under /usr/lib/postgresql/*/bin. ` +
        'Install the server (Debian/Ubuntu: apt-get install -y postgresql) to run the PostgreSQL tests.',
    );
  }
  return path;
}

const runsAsRoot = (): boolean => process.getuid?.() === 0;

/** Runs a PostgreSQL program, as `nobody` when we are root; rejects with its output if it fails. */
function run(binary: string, args: readonly string[]): Promise<void> {
  const [command, argv] = runsAsRoot() ? ['runuser', ['-u', 'nobody', '--', binary, ...args]] : [binary, [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} ${args.join(' ')} failed (${code}):\n${output}`))));
  });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function databasesAt(socketDir: string): PostgresDatabases {
  const url = (database: string): string => `postgres://${SUPERUSER}@localhost/${database}?host=${encodeURIComponent(socketDir)}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    socketDir,
    url,
    createDatabase: (name, template) => admin(`CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`),
    dropDatabase: (name) => admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  };
}

export async function startCluster(options: ClusterOptions): Promise<PostgresCluster> {
  const initdb = requireBinary('initdb');
  const pgCtl = requireBinary('pg_ctl');
  const dir = mkdtempSync(join(tmpdir(), 'stemma-pg-'));
  if (runsAsRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const settings = [
    `-k ${dir}`,
    "-c listen_addresses=''",
    '-c max_connections=200',
    ...(options.durable
      ? []
      : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c deadlock_timeout=100ms']),
  ];
  try {
    await run(initdb, ['-D', data, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await run(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', settings.join(' '), 'start']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...databasesAt(dir),
    stop: async () => {
      try {
        await run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
