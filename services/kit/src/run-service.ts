/** Running a built service: serve the API and ops ports, and shut both down on SIGTERM. */
import type { Logger } from 'pino';
import type { BaseConfig } from './config.js';
import { serveApi, serveOps } from './listen.js';
import type { ServiceApp } from './service-app.js';
import { type CloseStep, onShutdownSignal } from './shutdown.js';

/** Listens on QUIRE_HTTP_PORT and QUIRE_OPS_PORT; `steps` are closed in order after draining. */
export async function runService(options: {
  config: BaseConfig;
  logger: Logger;
  app: ServiceApp;
  steps: CloseStep[];
}): Promise<void> {
  const { config, logger, app } = options;
  const api = await serveApi({ handler: app.api, port: config.httpPort, tls: config.tls, logger });
  const ops = await serveOps({ handler: app.ops, port: config.opsPort });
  onShutdownSignal({
    logger,
    readiness: app.readiness,
    servers: [api, ops],
    steps: options.steps,
    timeoutMs: config.shutdownTimeoutMs,
  });
  logger.info({ httpPort: config.httpPort, opsPort: config.opsPort }, 'Started the service');
}
