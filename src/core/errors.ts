/**
 * Stemma's error model. Every error a client can see is a {@link ServiceError} whose `code` is the
 * exact wire name SageMaker uses (`ResourceNotFound`, not `ResourceNotFoundException`), so that
 * `@aws-sdk/client-sagemaker` and boto3 raise the same typed exceptions they raise against AWS.
 */
export type Fault = 'client' | 'server';

export class ServiceError extends Error {
  readonly code: string;
  readonly fault: Fault;
  readonly statusCode: number;

  constructor(code: string, message: string, options: { fault?: Fault; statusCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.fault = options.fault ?? 'client';
    this.statusCode = options.statusCode ?? (this.fault === 'client' ? 400 : 500);
  }
}

/** A `/api/v1` route was asked with a method it does not answer; `allowed` is its Allow header. */
export class MethodNotAllowed extends ServiceError {
  readonly allowed: readonly string[];

  constructor(path: string, allowed: readonly string[]) {
    super('MethodNotAllowed', `Use ${allowed.join(', ')} for ${path.slice(0, 256)}.`, { statusCode: 405 });
    this.allowed = allowed;
  }
}

/** Input broke a constraint of the API model, or a rule such as "already exists". */
export class ValidationException extends ServiceError {
  constructor(message: string) {
    super('ValidationException', message);
  }
}

/** The body is not JSON, or a member has the wrong JSON type. */
export class SerializationException extends ServiceError {
  constructor(message: string) {
    super('SerializationException', message);
  }
}

export class UnknownOperationException extends ServiceError {
  constructor(message: string) {
    super('UnknownOperationException', message);
  }
}

export class ResourceNotFound extends ServiceError {
  constructor(message: string) {
    super('ResourceNotFound', message);
  }
}

export class ResourceLimitExceeded extends ServiceError {
  constructor(message: string) {
    super('ResourceLimitExceeded', message);
  }
}

export class ResourceInUse extends ServiceError {
  constructor(message: string) {
    super('ResourceInUse', message);
  }
}

export class ConflictException extends ServiceError {
  constructor(message: string) {
    super('ConflictException', message);
  }
}

export class AccessDeniedException extends ServiceError {
  constructor(message: string) {
    super('AccessDeniedException', message, { statusCode: 403 });
  }
}

/**
 * A request that is not valid HTTP/1.1, or whose framing Stemma will not guess at (an ambiguous
 * body length, oversized headers). The connection is closed after this answer.
 */
export class MalformedHttpRequest extends ServiceError {
  constructor(message: string, statusCode: 400 | 431 = 400) {
    super('BadRequestException', message, { statusCode });
  }
}

/** A request too large to read. AWS answers 413 with this code. */
export class RequestEntityTooLarge extends ServiceError {
  constructor(message: string) {
    super('RequestEntityTooLargeException', message, { statusCode: 413 });
  }
}

/** A fault of our own; the client sees only the code and the request id. */
export class InternalFailure extends ServiceError {
  constructor(message = 'We encountered an internal error. Please try again.', cause?: unknown) {
    super('InternalFailure', message, { fault: 'server', statusCode: 500, cause });
  }
}

/** Turns anything thrown into an Error, keeping the original as the cause. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : 'Non-error value thrown', { cause: thrown });
}
