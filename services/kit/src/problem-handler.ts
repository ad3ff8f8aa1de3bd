/**
 * The one error handler, installed last: maps the error vocabulary (and body-parser and dependency
 * failures) to an RFC 9457 `application/problem+json` answer with a stable shape.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isDependencyUnavailable } from './dependency-errors.js';
import { type FieldError, type ProblemKind, problemStatus, ServiceError } from './errors.js';

/** The body of every error answer. `errors` lists broken fields; `stack` appears only in development. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId?: string;
  errors?: readonly FieldError[];
  stack?: string;
}

export const problemContentType = 'application/problem+json';

const titles: Record<ProblemKind | 'internal' | 'unsupported-media-type', string> = {
  input: 'Invalid request',
  authentication: 'Authentication required',
  'not-allowed': 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  gone: 'Gone',
  'precondition-failed': 'Precondition failed',
  'precondition-required': 'Precondition required',
  'too-large': 'Request too large',
  'rate-limited': 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
  'unsupported-media-type': 'Unsupported media type',
};

const problemType = (kind: string) => `urn:quire:problem:${kind}`;

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Classifies any thrown value into a kind, a status, a client-safe detail and the extra fields. */
function classify(err: unknown): {
  kind: string;
  status: number;
  detail: string;
  errors?: readonly FieldError[];
  retryAfterSeconds?: number;
} {
  if (err instanceof ServiceError) {
    return {
      kind: err.kind,
      status: err.status,
      detail: err.message,
      ...(err.options.errors?.length ? { errors: err.options.errors } : {}),
      ...(err.options.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: err.options.retryAfterSeconds }
        : {}),
    };
  }
  const bp = err as BodyParserError;
  if (bp instanceof Error && bp.expose === true && typeof bp.status === 'number' && bp.status < 500) {
    if (bp.type === 'entity.too.large') {
      return {
        kind: 'too-large',
        status: 413,
        detail: 'The request body is larger than this endpoint accepts',
      };
    }
    if (bp.type === 'entity.parse.failed') {
      return { kind: 'input', status: 400, detail: 'The request body is not valid JSON' };
    }
    if (bp.status === 415) {
      return { kind: 'unsupported-media-type', status: 415, detail: bp.message };
    }
    return { kind: 'input', status: 400, detail: 'The request could not be read' };
  }
  if (isDependencyUnavailable(err)) {
    return {
      kind: 'unavailable',
      status: problemStatus.unavailable,
      detail: 'A dependency of this service does not answer; try again later',
      retryAfterSeconds: 5,
    };
  }
  return { kind: 'internal', status: 500, detail: 'An unexpected error occurred' };
}

/** Writes a problem document; also used by middleware that answers errors before routing. */
export function sendProblem(
  res: Parameters<RequestHandler>[1],
  instance: string,
  p: ReturnType<typeof classify> & { stack?: string },
): void {
  const body: ProblemDocument = {
    type: problemType(p.kind),
    title: titles[p.kind as keyof typeof titles] ?? 'Error',
    status: p.status,
    detail: p.detail,
    instance,
    ...(typeof res.locals.requestId === 'string' ? { requestId: res.locals.requestId } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    ...(p.stack ? { stack: p.stack } : {}),
  };
  if (p.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(p.retryAfterSeconds));
  res.status(p.status).type(problemContentType).send(JSON.stringify(body));
}

/** The error handler to install after every route. Stack traces are shown only when `exposeStack`. */
export function problemHandler(options: { logger: Logger; exposeStack: boolean }): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const p = classify(err);
    if (p.status >= 500) {
      options.logger.error(
        { err, requestId: res.locals.requestId, method: req.method, path: req.path },
        p.status === 503 ? 'Dependency unavailable' : 'Request failed',
      );
    }
    const stack = options.exposeStack && p.status >= 500 && err instanceof Error ? err.stack : undefined;
    sendProblem(res, req.originalUrl.split('?')[0] ?? req.path, stack ? { ...p, stack } : p);
  };
}

/** Answers 404 for every path no route matched. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, req.path, {
    kind: 'not-found',
    status: 404,
    detail: `No route for ${req.method} ${req.path}`,
  });
};
