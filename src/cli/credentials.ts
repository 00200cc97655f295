/**
 * The credentials of the CLI's requests: the AWS SDK's default provider chain (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, SSO, …), so a server in strict mode sees the same
 * key whether a user runs boto3, the AWS CLI or `stemma`. When nothing is configured and the chain
 * finds nothing, the placeholder key that open mode accepts is used, so a local server needs no AWS
 * setup at all. When credentials were asked for (a profile or a key in the environment) and
 * cannot be loaded, that failure is the answer: a placeholder would only turn it into a 403 later.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { OPEN_MODE_CREDENTIALS } from '../sdk/session.js';

/** The environment variables by which a user asks for particular credentials. */
const ASKED_FOR = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID'] as const;

export function cliCredentials(
  chain: AwsCredentialIdentityProvider = defaultProvider(),
  env: NodeJS.ProcessEnv = process.env,
): AwsCredentialIdentityProvider {
  let found: Promise<AwsCredentialIdentity> | undefined;
  return () => {
    found ??= chain().catch((e: unknown) => {
      const asked = ASKED_FOR.filter((name) => (env[name] ?? '') !== '');
      if (asked.length === 0) return OPEN_MODE_CREDENTIALS;
      const reason = e instanceof Error ? e.message : String(e);
      throw new Error(`Cannot load the AWS credentials that ${asked.join(' and ')} ${asked.length === 1 ? 'asks' : 'ask'} for: ${reason}`);
    });
    return found;
  };
}
