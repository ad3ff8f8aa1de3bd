/**
 * The kubelet's part in certificate rotation, for the local processes: every 20 s it copies each
 * service's `tls` Secret and the gateway's into their folders (an atomic `..data` swap, only when
 * they changed). The services' kit notices and serves the renewed certificate on new connections;
 * nginx is told to reload (SIGHUP), since it reads its certificate files only then.
 *
 * Run by `make up` in the background: node dev/up/secret-sync.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterClients } from '@quire/dev';
import { getPlatform, secretData } from './kube.ts';
import { statusOf } from './progress.ts';
import { mountSecret } from './secret-files.ts';
import { serviceProcess } from './services.ts';
import { loadStackEnv, upSettings } from './settings.ts';

const intervalMs = 20_000;

async function syncOnce(): Promise<void> {
  const s = upSettings();
  const { apps } = clusterClients();
  const deployments = await apps.listNamespacedDeployment({
    namespace: s.namespace,
    labelSelector: `platform.quire.dev/platform=${s.platform}`,
  });
  for (const d of deployments.items) {
    const service = d.metadata?.labels?.['app.kubernetes.io/name'];
    const secret = d.spec?.template.spec?.volumes?.find((v) => v.name === 'tls')?.secret?.secretName;
    if (!service || !secret) continue;
    const data = await secretData(s.namespace, secret);
    const dir = join(serviceProcess(s.runDir, service as never).dir, 'tls');
    if (data && mountSecret(dir, data))
      console.log(`${new Date().toISOString()} Updated the certificate of ${service}`);
  }
  const gateway = statusOf(await getPlatform(s.namespace, s.platform)).certificates?.find(
    (c) => c.name === 'gateway',
  );
  const data = gateway?.secretName ? await secretData(s.namespace, gateway.secretName) : undefined;
  const gatewayDir = join(s.runDir, 'gateway');
  if (data && mountSecret(join(gatewayDir, 'tls'), data)) {
    process.kill(Number(readFileSync(join(gatewayDir, 'pid'), 'utf8')), 'SIGHUP');
    console.log(`${new Date().toISOString()} Updated the gateway's certificate and reloaded nginx`);
  }
}

async function main(): Promise<void> {
  loadStackEnv();
  console.log(`${new Date().toISOString()} Keeping the local certificate folders in step with their Secrets`);
  for (;;) {
    await syncOnce().catch((error: unknown) =>
      console.error(
        `${new Date().toISOString()} Sync failed: ${error instanceof Error ? error.message : error}`,
      ),
    );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

process.on('SIGTERM', () => process.exit(0));
void main();
