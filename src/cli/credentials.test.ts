import { describe, expect, it } from 'vitest';
import { OPEN_MODE_CREDENTIALS } from '../sdk/session.js';
import { cliCredentials } from './credentials.js';

const nothingFound = (): Promise<never> => Promise.reject(new Error('Could not load credentials from any providers'));

describe('the CLI\'s credentials', () => {
  it('are those the default chain finds', async () => {
    const key = { accessKeyId: 'AKIAREAL', secretAccessKey: 'secret' };
    expect(await cliCredentials(() => Promise.resolve(key), {})()).toEqual(key);
  });

  it('fall back to open mode\'s placeholder when nothing is configured', async () => {
    expect(await cliCredentials(nothingFound, {})()).toEqual(OPEN_MODE_CREDENTIALS);
  });

  it('fail, naming what asked for them, when a configured profile or key cannot be loaded', async () => {
    await expect(cliCredentials(nothingFound, { AWS_PROFILE: 'tpyo' })()).rejects.toThrow(
      'Cannot load the AWS credentials that AWS_PROFILE asks for: Could not load credentials from any providers',
    );
  });
});
