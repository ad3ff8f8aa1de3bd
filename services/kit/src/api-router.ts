/**
 * Declaring a route once: its zod schemas validate the request at the edge (unknown fields are
 * rejected by strict schemas) and describe it in the OpenAPI document.
 */
import type { ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import type { Principal } from './jwt-auth.js';
import type { ApiDescription } from './openapi.js';
import { problemSchema } from './openapi.js';
import { problemContentType } from './problem-handler.js';
import { parseInput } from './validation.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type ObjectSchema = z.ZodType<Record<string, unknown>>;

export interface RouteSpec<
  A extends boolean,
  B extends z.ZodType | undefined,
  Q extends ObjectSchema | undefined,
  P extends ObjectSchema | undefined,
> {
  method: Method;
  /** Express-style path (`/v1/users/:id`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Requires a valid bearer token; the handler then gets the caller. */
  authenticated: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Request headers documented (and read by the handler), such as If-Match. */
  headers?: ObjectSchema;
  /** Success answers by status; problem answers are documented automatically. */
  responses: Record<number, { description: string; body?: z.ZodType; headers?: ObjectSchema }>;
  /** Problem statuses this route may answer beyond 400, 413 and 503 (and 401 when authenticated). */
  problems?: number[];
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<A extends boolean, B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: A extends true ? Principal : undefined;
  req: Request;
  res: Response;
}

/** What a handler answers: a status, an optional JSON body and headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const problemDescriptions: Record<number, string> = {
  400: 'The request is invalid; `errors` lists each field and the rule it broke',
  401: 'The credentials are missing, invalid or expired',
  403: 'The caller may not do this',
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'Existed, but is gone for good',
  412: 'The resource changed since its ETag was read',
  413: 'The request body is too large',
  415: 'The media type of the body is not accepted',
  428: 'The request must carry If-Match',
  429: 'Too many attempts; see Retry-After',
  503: 'A dependency does not answer; see Retry-After',
};

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** An Express router whose routes validate their input and document themselves. */
export class ApiRouter {
  readonly router = Router();

  constructor(
    private readonly description: ApiDescription,
    private readonly authenticate?: RequestHandler,
  ) {}

  /** Adds a route: validates params, query and body, calls the handler and sends its reply. */
  route<
    A extends boolean,
    B extends z.ZodType | undefined = undefined,
    Q extends ObjectSchema | undefined = undefined,
    P extends ObjectSchema | undefined = undefined,
  >(
    spec: RouteSpec<A, B, Q, P>,
    handler: (ctx: RouteContext<A, Out<B>, Out<Q>, Out<P>>) => Promise<Reply>,
  ): this {
    this.document(spec);
    const chain: RequestHandler[] = [];
    if (spec.authenticated) {
      if (!this.authenticate)
        throw new Error(`Route ${spec.operationId} needs authentication, but none is set`);
      chain.push(this.authenticate);
    }
    chain.push(async (req, res) => {
      const params = spec.params ? parseInput(spec.params, req.params, 'params') : undefined;
      const query = spec.query ? parseInput(spec.query, req.query, 'query') : undefined;
      const body = spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined;
      const reply = await handler({
        body,
        query,
        params,
        principal: res.locals.principal,
        req,
        res,
      } as RouteContext<A, Out<B>, Out<Q>, Out<P>>);
      // A handler that streamed its answer (a download) has sent it already.
      if (res.headersSent) return;
      if (reply.headers) res.set(reply.headers);
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    });
    this.router[spec.method](spec.path, ...chain);
    return this;
  }

  private document(
    spec: RouteSpec<boolean, z.ZodType | undefined, ObjectSchema | undefined, ObjectSchema | undefined>,
  ) {
    const responses: Record<string, ResponseConfig> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.headers ? { headers: r.headers as never } : {}),
        ...(r.body ? { content: { 'application/json': { schema: r.body } } } : {}),
      };
    }
    const problems = new Set([400, 503, ...(spec.problems ?? [])]);
    if (spec.authenticated) problems.add(401);
    if (spec.body) problems.add(413);
    for (const status of [...problems].sort()) {
      responses[String(status)] = {
        description: problemDescriptions[status] ?? 'Error',
        content: { [problemContentType]: { schema: problemSchema } },
      };
    }
    const request: RouteConfig['request'] = {};
    if (spec.body) request.body = { required: true, content: { 'application/json': { schema: spec.body } } };
    if (spec.query) request.query = spec.query as never;
    if (spec.params) request.params = spec.params as never;
    if (spec.headers) request.headers = spec.headers as never;
    this.description.registry.registerPath({
      method: spec.method,
      path: toOpenApiPath(spec.path),
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.tags ? { tags: spec.tags } : {}),
      ...(spec.authenticated ? { security: [{ bearerAuth: [] }] } : {}),
      request,
      responses,
    });
  }
}
