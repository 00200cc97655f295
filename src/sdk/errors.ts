/**
 * The typed errors a lineage call can throw, re-exported from `@aws-sdk/client-sagemaker` so SDK
 * users need one import. `ValidationException` is not a modeled SageMaker error: it arrives as a
 * `SageMakerServiceException` whose `name` is `ValidationException`; `isServiceError` tells them apart.
 */
import { SageMakerServiceException } from '@aws-sdk/client-sagemaker';

export { ConflictException, ResourceInUse, ResourceLimitExceeded, ResourceNotFound, SageMakerServiceException } from '@aws-sdk/client-sagemaker';

/** The error codes Stemma and SageMaker answer lineage calls with. */
export type LineageErrorCode = 'ValidationException' | 'ResourceNotFound' | 'ResourceLimitExceeded' | 'ResourceInUse' | 'ConflictException';

/** True when `e` is a service error with this code (any code when omitted). */
export function isServiceError(e: unknown, code?: LineageErrorCode | (string & {})): e is SageMakerServiceException {
  return e instanceof SageMakerServiceException && (code === undefined || e.name === code);
}

/** True for the "already exists" ValidationException of Create* and AddAssociation. */
export function isAlreadyExists(e: unknown): boolean {
  return isServiceError(e, 'ValidationException') && /already exists/i.test(e.message);
}
