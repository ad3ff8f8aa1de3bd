/**
 * Graceful shutdown on SIGTERM: fail readiness, stop accepting, let in-flight requests finish (up to
 * a deadline), then run the close steps in order (consumers, relays, pools, tracing) and exit.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Readiness } from './health.js';

/** One resource to release, in the order given. */
export interface CloseStep {
  name: string;
  close: () => Promise<unknown>;
}

/** Closes a server: stops accepting, closes idle keep-alive connections, waits for in-flight ones. */
export function closeServer(server: Server, timeoutMs: number): Promise<'drained' | 'forced'> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve('drained');
      return;
    }
    // Connections that finish their request become idle keep-alive connections; close those as
    // they appear, so draining ends when the last in-flight request does.
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      clearInterval(sweeper);
      server.closeAllConnections();
      resolve('forced');
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweeper);
      resolve('drained');
    });
    server.closeIdleConnections();
  });
}

/** Runs the whole shutdown once; returns the exit code. */
export async function shutdown(options: {
  logger: Logger;
  readiness?: Readiness;
  servers: Server[];
  steps: CloseStep[];
  timeoutMs: number;
}): Promise<number> {
  const { logger } = options;
  options.readiness?.drain();
  const started = Date.now();
  const results = await Promise.all(options.servers.map((s) => closeServer(s, options.timeoutMs)));
  logger.info({ durationMs: Date.now() - started, results }, 'Stopped accepting and drained requests');
  let code = 0;
  for (const step of options.steps) {
    try {
      await step.close();
    } catch (err) {
      code = 1;
      logger.error({ err, step: step.name }, 'Failed to close a resource');
    }
  }
  logger.info({ durationMs: Date.now() - started }, 'Shut down');
  return code;
}

/** Installs SIGTERM and SIGINT handlers that shut down once and exit. */
export function onShutdownSignal(options: Parameters<typeof shutdown>[0]): void {
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    options.logger.info({ signal }, 'Received a shutdown signal');
    void shutdown(options).then((code) => {
      options.logger.flush();
      process.exit(code);
    });
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
}
