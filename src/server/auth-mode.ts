/**
 * Chooses how `stemma serve` authenticates: `strict` when a keys file is given (or `--auth strict`
 * is asked for), `open` otherwise. Open mode accepts any credentials, so it is refused on an
 * address other people can reach unless the operator says the network is trusted (`--insecure`).
 */
import { isIP } from 'node:net';
import type { Clock } from '../core/clock.js';
import type { Authenticator } from './auth.js';
import { openAuthenticator } from './auth.js';
import { readKeysFile } from './keys-file.js';
import { strictAuthenticator } from './strict-auth.js';

export type AuthMode = 'open' | 'strict';

export interface AuthConfig {
  readonly host: string;
  /** A keys file (`--keys`): turns strict mode on. */
  readonly keysFile?: string;
  /** Forces the mode (`--auth`); strict needs a keys file. */
  readonly auth?: AuthMode;
  readonly insecure: boolean;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export function authModeOf(config: AuthConfig): AuthMode {
  const mode = config.auth ?? (config.keysFile === undefined ? 'open' : 'strict');
  if (mode === 'strict' && config.keysFile === undefined) {
    throw new Error('Strict authentication needs a keys file: pass --keys <file> (or set STEMMA_KEYS).');
  }
  if (mode === 'open' && !isLoopback(config.host) && !config.insecure) {
    throw new Error(
      `Refusing to listen on ${config.host} without authentication: open mode accepts any credentials. ` +
        'Give a keys file (--keys) for strict mode, bind to 127.0.0.1, or pass --insecure if this network is trusted.',
    );
  }
  return mode;
}

/** Validates the configuration and reads the keys file; throws a one-line Error on any problem. */
export function authenticatorFor(config: AuthConfig, clock: Clock): { mode: AuthMode; authenticator: Authenticator } {
  const mode = authModeOf(config);
  if (mode === 'open') return { mode, authenticator: openAuthenticator() };
  return { mode, authenticator: strictAuthenticator({ keys: readKeysFile(config.keysFile as string), clock }) };
}
