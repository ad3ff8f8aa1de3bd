#!/usr/bin/env node
/**
 * The operator's entry point: reads its configuration from the environment, connects with the
 * in-cluster service account (or the local kubeconfig), and runs until SIGTERM or SIGINT.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { startOperator } from './reconcile/platform-operator.js';
import { ConfigError, parseConfig } from './runtime/config.js';
import { CrdMissingError } from './runtime/crd-check.js';
import { createLogger } from './runtime/logger.js';

async function main(): Promise<number> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const kubeConfig = new KubeConfig();
  // In a pod: the service account; elsewhere: KUBECONFIG or ~/.kube/config.
  kubeConfig.loadFromDefault();
  try {
    const { manager } = await startOperator({ config, kubeConfig, logger });
    manager.stopOnSignals();
    logger.info(
      { metricsPort: manager.metricsPort, probePort: manager.probePort, namespaces: config.watchNamespaces },
      'Started the operator',
    );
    return await manager.done();
  } catch (error) {
    if (error instanceof CrdMissingError) {
      logger.fatal({ problems: error.message.split('\n') }, 'Stopped: a required CRD is missing');
      return 1;
    }
    logger.fatal({ err: error }, 'Stopped: the operator failed to start');
    return 1;
  }
}

// Exit explicitly: a stopped manager has released everything, and no stray timer should keep the process up.
process.exit(await main());
