/**
 * A lineage session: the `@aws-sdk/client-sagemaker` client every SDK object talks through. The
 * same session works against Stemma (by endpoint URL) and against SageMaker itself (no endpoint).
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import type { AwsCredentialIdentity } from '@smithy/types';

export interface LineageSession {
  readonly client: SageMakerClient;
  /** Describe calls made at once when many vertices are turned into objects. */
  readonly describeConcurrency: number;
}

export interface ConnectOptions {
  /** A Stemma server, e.g. http://127.0.0.1:8080. Omit it to talk to SageMaker. */
  readonly endpoint?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Stemma in open mode accepts any key; default `stemma` / `stemma`. */
  readonly credentials?: SageMakerClientConfig['credentials'];
  /** Default 3, as the AWS SDK's own default. */
  readonly maxAttempts?: number;
  readonly describeConcurrency?: number;
}

/** Wraps an existing client (keeps its configuration, middleware and credentials). */
export function sessionOf(client: SageMakerClient, options: { describeConcurrency?: number } = {}): LineageSession {
  return { client, describeConcurrency: options.describeConcurrency ?? 8 };
}

/** The placeholder key a Stemma server in open mode accepts: any key would do. */
export const OPEN_MODE_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'stemma', secretAccessKey: 'stemma' };

/** Builds a client for Stemma (endpoint given) or for SageMaker (endpoint omitted). */
export function connect(options: ConnectOptions = {}): LineageSession {
  const client = new SageMakerClient({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    credentials: options.credentials ?? (options.endpoint === undefined ? undefined : OPEN_MODE_CREDENTIALS),
    maxAttempts: options.maxAttempts ?? 3,
  });
  return sessionOf(client, { describeConcurrency: options.describeConcurrency });
}
