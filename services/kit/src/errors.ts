/**
 * The small vocabulary of failures a handler may raise. The problem handler maps each to its HTTP
 * status and an RFC 9457 problem document, so handlers never set error statuses themselves.
 */

/** One broken rule of the input: where (a dotted path) and which rule. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
  /** Which part of the request: body, query, params or header. */
  readonly in?: 'body' | 'query' | 'params' | 'header';
}

export type ProblemKind =
  | 'input'
  | 'authentication'
  | 'not-allowed'
  | 'not-found'
  | 'conflict'
  | 'gone'
  | 'precondition-failed'
  | 'precondition-required'
  | 'too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'unavailable';

export const problemStatus: Readonly<Record<ProblemKind, number>> = {
  input: 400,
  authentication: 401,
  'not-allowed': 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  'precondition-failed': 412,
  'precondition-required': 428,
  'too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  unavailable: 503,
};

/** A failure the client can be told about; its message becomes the problem's `detail`. */
export class ServiceError extends Error {
  constructor(
    readonly kind: ProblemKind,
    message: string,
    readonly options: { errors?: readonly FieldError[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ServiceError';
  }
  get status(): number {
    return problemStatus[this.kind];
  }
}

/** The request is malformed or breaks a rule (400), listing each broken field. */
export class InputError extends ServiceError {
  constructor(message: string, errors: readonly FieldError[] = []) {
    super('input', message, { errors });
  }
}

/** The caller is not authenticated, or its credentials are wrong (401); never says which part. */
export class AuthenticationError extends ServiceError {
  constructor(message = 'The credentials are missing, invalid or expired') {
    super('authentication', message);
  }
}

/** The caller is authenticated but may not do this (403). */
export class NotAllowedError extends ServiceError {
  constructor(message = 'You are not allowed to do this') {
    super('not-allowed', message);
  }
}

/** The resource does not exist, or the caller may not know it exists (404). */
export class NotFoundError extends ServiceError {
  constructor(message = 'The resource was not found') {
    super('not-found', message);
  }
}

/** The request conflicts with the current state, such as a duplicate (409). */
export class ConflictError extends ServiceError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** The resource existed but is gone for good, such as deleted content already removed (410). */
export class GoneError extends ServiceError {
  constructor(message: string) {
    super('gone', message);
  }
}

/** An `If-Match` precondition did not hold (412) or was required but missing (428). */
export class PreconditionError extends ServiceError {
  constructor(missing: boolean, message?: string) {
    super(
      missing ? 'precondition-required' : 'precondition-failed',
      message ??
        (missing
          ? 'This request must carry an If-Match header with the ETag of the resource'
          : 'The resource has changed since the ETag in If-Match was read'),
    );
  }
}

/** The body is of a media type this endpoint does not accept (415). */
export class UnsupportedMediaTypeError extends ServiceError {
  constructor(message: string) {
    super('unsupported-media-type', message);
  }
}

/** The body is larger than this endpoint accepts (413). */
export class TooLargeError extends ServiceError {
  constructor(message: string) {
    super('too-large', message);
  }
}

/** Too many attempts: try again after the given number of seconds (429). */
export class RateLimitedError extends ServiceError {
  constructor(retryAfterSeconds: number, message = 'Too many attempts; try again later') {
    super('rate-limited', message, { retryAfterSeconds });
  }
}

/** A dependency (database, cache) does not answer: try again later (503). */
export class UnavailableError extends ServiceError {
  constructor(message = 'The service is temporarily unavailable', retryAfterSeconds = 5, cause?: unknown) {
    super('unavailable', message, { retryAfterSeconds, cause });
  }
}
