/** The service's OpenAPI 3.1 description, generated from the same zod schemas that validate requests. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

/** The shape of every error answer, as documented. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string().optional(),
    errors: z
      .array(
        z.object({
          field: z.string(),
          rule: z.string(),
          message: z.string(),
          in: z.enum(['body', 'query', 'params', 'header']).optional(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document' });

/** Collects routes and generates (once) the service's OpenAPI 3.1 document. */
export class ApiDescription {
  readonly registry = new OpenAPIRegistry();
  private cached: object | undefined;

  constructor(private readonly info: { title: string; version: string; description?: string }) {
    this.registry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  }

  /** The OpenAPI document, generated on first use. */
  document(): object {
    this.cached ??= new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: this.info,
    });
    return this.cached;
  }
}
