/**
 * The data plane on this machine: each service's pod environment read from the cluster, its
 * certificate written where the kit reads it, the process started; then the gateway in front of the
 * public ones. Plays the kubelet (env and Secret volumes), kube-proxy (Service → local port) and the
 * Gateway API implementation (HTTPRoutes → nginx).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clusterClients } from '@quire/dev';
import { type ServiceName, serviceNames } from '@quire/kit/catalogue';
import { gatewayRoutes, startGateway } from '../gateway/gateway.ts';
import { webServerFromFile } from '../gateway/web-server.ts';
import { type KubeObject, secretData } from './kube.ts';
import { type Difference, localEnvironment } from './local-env.ts';
import { podEnvironment } from './pod-env.ts';
import type { EnsureAction } from './processes.ts';
import { statusOf } from './progress.ts';
import { mountSecret } from './secret-files.ts';
import { runService, serviceProcess, waitServiceReady } from './services.ts';
import { repoRoot, serviceAvailable, type UpSettings } from './settings.ts';

/** The web app's package, its build and the name its Deployment carries (the operator's `webAppName`). */
const webDir = join(repoRoot, 'clients', 'web');
const webDist = join(webDir, 'dist');
const webAppName = 'web';

export interface LocalService {
  readonly service: ServiceName;
  readonly action: EnsureAction;
  readonly differences: readonly Difference[];
}

export interface LocalPlatform {
  readonly gateway: {
    url: string;
    config: string;
    accessLog: string;
    tlsDir: string;
    /** The HTTPRoutes it was generated from, and the path prefixes it routes. */
    routes: number;
    prefixes: string[];
    skipped: string[];
  };
  readonly services: LocalService[];
  readonly unavailable: ServiceName[];
}

/** The Deployments of the Platform by service, found by their labels. */
async function deploymentsByService(s: UpSettings): Promise<Map<string, string>> {
  const list = await clusterClients().apps.listNamespacedDeployment({
    namespace: s.namespace,
    labelSelector: `platform.quire.dev/platform=${s.platform}`,
  });
  return new Map(
    list.items.map((d) => [d.metadata?.labels?.['app.kubernetes.io/name'] ?? '', d.metadata?.name ?? '']),
  );
}

/** Starts (or keeps) the gateway and every service that has a server, and waits until they are ready. */
export async function startLocalPlatform(
  s: UpSettings,
  platform: KubeObject,
  print: (line: string) => void,
  /** Restart every service even when unchanged (their Kafka clients hold a stale view of the topics). */
  restart = false,
): Promise<LocalPlatform> {
  const available = serviceNames.filter(serviceAvailable);
  const unavailable = serviceNames.filter((n) => !available.includes(n));
  // The web app has no process of its own here: its pod's server runs inside the gateway's nginx,
  // serving the build `make build` wrote.
  const webBuilt = existsSync(join(webDist, 'index.html'));
  const local = (service: string) => {
    if (service === webAppName) return webBuilt ? `127.0.0.1:${s.webPort}` : undefined;
    return available.includes(service as ServiceName)
      ? `127.0.0.1:${s.services[service as ServiceName].api}`
      : undefined;
  };

  const { routes, skipped } = await gatewayRoutes(s.namespace, local);
  const gatewayCert = statusOf(platform).certificates?.find((c) => c.name === 'gateway')?.secretName;
  const gatewayTls = gatewayCert ? await secretData(s.namespace, gatewayCert) : undefined;
  if (!gatewayTls)
    throw new Error('The Platform reports no gateway certificate; is the certificates phase done?');
  const gateway = await startGateway({
    runDir: s.runDir,
    port: s.gatewayPort,
    platform: `${s.namespace}/${s.platform}`,
    tls: gatewayTls,
    routes,
    ...(webBuilt
      ? { extraServers: [webServerFromFile(join(webDir, 'nginx.conf'), `127.0.0.1:${s.webPort}`, webDist)] }
      : {}),
    log: print,
  });

  const deployments = await deploymentsByService(s);
  const spec = platform.spec as { search?: { kind?: string; indexPrefix?: string } };
  const started: LocalService[] = [];
  for (const service of available) {
    const deployment = deployments.get(service);
    if (!deployment) throw new Error(`The Platform has no Deployment for ${service}`);
    const pod = await podEnvironment(s.namespace, deployment, service);
    const tls = await secretData(s.namespace, pod.tls.secretName);
    if (!tls) throw new Error(`${service}: its certificate Secret ${pod.tls.secretName} does not exist`);
    const tlsDir = join(serviceProcess(s.runDir, service).dir, 'tls');
    mountSecret(tlsDir, tls);
    const { env, differences } = localEnvironment(service, pod, {
      ports: s.services[service],
      authApiPort: s.services.auth.api,
      tlsDir,
      gatewayUrl: gateway.url,
      routedPrefixes: routes.flatMap((r) => r.pathPrefixes),
      search: spec.search ?? {},
    });
    const run = await runService({
      runDir: s.runDir,
      service,
      env,
      podEnv: pod.env,
      differences,
      force: restart,
    });
    started.push({ service, action: run.action, differences });
  }
  await Promise.all(
    started.map((x) => waitServiceReady(serviceProcess(s.runDir, x.service), s.services[x.service].ops)),
  );
  return {
    gateway: {
      ...gateway,
      routes: new Set(routes.map((r) => r.source)).size,
      prefixes: routes.flatMap((r) => r.pathPrefixes),
      skipped,
    },
    services: started,
    unavailable,
  };
}
