/**
 * The credentials of the CLI's requests: the AWS SDK's default provider chain (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, SSO, …), so a server in strict mode sees the same
 * key whether a user runs boto3, the AWS CLI or `stemma`. When the chain finds nothing, the
 * placeholder key that open mode accepts is used, so a local server needs no AWS setup at all.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export const OPEN_MODE_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'stemma', secretAccessKey: 'stemma' };

export function cliCredentials(chain: AwsCredentialIdentityProvider = defaultProvider()): AwsCredentialIdentityProvider {
  let found: Promise<AwsCredentialIdentity> | undefined;
  return () => {
    found ??= chain().catch(() => OPEN_MODE_CREDENTIALS);
    return found;
  };
}
