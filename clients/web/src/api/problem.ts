/** The services' RFC 9457 problem answers, as an Error the pages can show next to their fields. */
import type { components } from './auth.gen.ts';

export type Problem = components['schemas']['Problem'];

/** A failed API call: the HTTP status and the service's problem document (when it sent one). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> = {},
  ) {
    super(problem.detail ?? problem.title ?? `The request failed (HTTP ${status})`);
  }

  /** The message for one field (`email`, `password`, ...), when the service named it. */
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.message;
  }
}

/** A readable sentence for any error thrown by a call, for an error state or an alert. */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : 'Something went wrong; try again';
