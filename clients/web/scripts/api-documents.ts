/**
 * The OpenAPI documents of the services the web app calls, built without starting them: each
 * service's `createApp` only declares its routes when called, so stand-in dependencies that are
 * never used are enough to read `description.document()`. It imports the compiled services, so
 * run `tsc -b` first (the package's `generate` script does).
 */
import { createApp as audit } from '@quire/audit-service';
import { createApp as auth } from '@quire/auth-service';
import { createApp as document } from '@quire/document-service';
import { createApp as notification } from '@quire/notification-service';
import { createApp as search } from '@quire/search-service';
import { createApp as user } from '@quire/user-service';

/**
 * A dependency that is never called while routes are declared: any property read gives another
 * stand-in, so constructors that keep references (pools, key rings, settings) still succeed.
 */
function standIn(): never {
  const target = () => undefined;
  return new Proxy(target, {
    get: (_t, key) =>
      key === Symbol.toPrimitive ? () => 'stand-in' : key === 'then' ? undefined : standIn(),
    apply: () => standIn(),
  }) as never;
}

const logger = { child: () => logger, info() {}, warn() {}, error() {}, debug() {} } as never;
const common = { logger, environment: 'test' as const, pool: standIn(), verifier: standIn() };

/** The services the web app calls, each with the OpenAPI document of its API. */
export function apiDocuments(): Record<string, object> {
  return {
    auth: auth({ ...common, redis: standIn(), keys: standIn(), settings: standIn() }).description.document(),
    user: user(common).description.document(),
    document: document({ ...common, objects: standIn() }).description.document(),
    search: search({ ...common, engine: standIn(), alias: 'documents' }).description.document(),
    notification: notification({ ...common, webhookPolicy: standIn() }).description.document(),
    audit: audit(common).description.document(),
  };
}
