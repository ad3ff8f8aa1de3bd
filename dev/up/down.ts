/**
 * `make down`, first half: stops what `make up` started, by recorded pid, in the reverse order (the
 * gateway, so no new requests arrive; the services, which drain on SIGTERM; the operator; the
 * collector last, so the services' final spans are kept). The Platform and its data stay: the
 * stack's own `down` (the second half) stops the cluster and the stores.
 *
 * node dev/up/down.ts
 */
import { serviceNames } from '@quire/kit/catalogue';
import { gatewayProcess } from '../gateway/gateway.ts';
import { collectorProcess, operatorProcess, secretSyncProcess } from './control-plane.ts';
import { stopProcess } from './processes.ts';
import { serviceProcess } from './services.ts';
import { upSettings } from './settings.ts';

async function main(): Promise<void> {
  const s = upSettings();
  const stop = async (p: Parameters<typeof stopProcess>[0]) => {
    if (await stopProcess(p, 30_000)) console.log(`  stopped ${p.name}`);
  };
  await stop(secretSyncProcess(s));
  await stop(gatewayProcess(s.runDir));
  await Promise.all(serviceNames.map((name) => stop(serviceProcess(s.runDir, name))));
  await stop(operatorProcess(s));
  await stop(collectorProcess(s));
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
