/**
 * The local API gateway: a private nginx from Debian's packages (Kong, the seed's gateway, is built on
 * nginx and cannot be installed here) whose configuration is generated from the HTTPRoutes the
 * operator created, so the gateway routes exactly what a Gateway API implementation would. Its
 * certificate is the `gateway` identity the operator issued. It runs with its own prefix, config and
 * pid under .run/gateway/, never as the system service.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterClients } from '@quire/dev';
import { type KubeObject, listHttpRoutes } from '../up/kube.ts';
import { logTail, managedProcess, runningPid, startProcess, waitReady } from '../up/processes.ts';
import { mountSecret } from '../up/secret-files.ts';
import { type GatewayRoute, renderNginxConfig } from './nginx-config.ts';

interface HttpRouteSpec {
  hostnames?: string[];
  rules?: {
    matches?: { path?: { type?: string; value?: string } }[];
    backendRefs?: { name: string; namespace?: string; port?: number }[];
  }[];
}

/** Finds nginx, installing Debian's nginx-light when it is missing and we may (as the stack installs Redis). */
export function nginxBinary(log: (line: string) => void): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(candidate)) return candidate;
  if (process.getuid?.() !== 0) {
    throw new Error('nginx is missing; install it with: sudo apt-get install -y nginx-light');
  }
  log('installing nginx-light from Debian (the system service is never started)');
  // policy-rc.d-less machines would start the system nginx on port 80: it is stopped and disabled right after.
  execFileSync('bash', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 nginx-light ' +
      '&& { [ -x /etc/init.d/nginx ] && /etc/init.d/nginx stop; update-rc.d nginx disable; true; }',
  ]);
  return '/usr/sbin/nginx';
}

/**
 * The gateway's routes: each HTTPRoute rule's PathPrefix matches, sent to the local process of the
 * Service its backendRef names (found, as kube-proxy would, through the Service's selector).
 */
export async function gatewayRoutes(
  namespace: string,
  localAddress: (service: string) => string | undefined,
): Promise<{ routes: GatewayRoute[]; skipped: string[] }> {
  const { core } = clusterClients();
  const routes: GatewayRoute[] = [];
  const skipped: string[] = [];
  const items: KubeObject[] = await listHttpRoutes(namespace);
  for (const item of items) {
    const spec = item.spec as HttpRouteSpec;
    for (const rule of spec.rules ?? []) {
      const prefixes = (rule.matches ?? [])
        .filter((m) => (m.path?.type ?? 'PathPrefix') === 'PathPrefix')
        .map((m) => m.path?.value ?? '/');
      for (const ref of rule.backendRefs ?? []) {
        const ns = ref.namespace ?? namespace;
        const svc = await core.readNamespacedService({ name: ref.name, namespace: ns });
        const service = svc.spec?.selector?.['app.kubernetes.io/name'] ?? '';
        // A port that declares plain HTTP (the web app's) is proxied without TLS; the services' are mTLS.
        const port = svc.spec?.ports?.find((p) => ref.port === undefined || p.port === ref.port);
        const plain = port?.appProtocol === 'http';
        const address = localAddress(service);
        const source = `${namespace}/${item.metadata.name}`;
        if (!address) {
          skipped.push(`${source} (${service} is not running locally)`);
          continue;
        }
        routes.push({
          source,
          hostnames: spec.hostnames ?? ['_'],
          pathPrefixes: prefixes,
          backend: plain ? { address } : { address, serverName: `${ref.name}.${ns}.svc` },
        });
      }
    }
  }
  return { routes, skipped };
}

export const gatewayProcess = (runDir: string) =>
  managedProcess('gateway (nginx)', join(runDir, 'gateway'), 'gateway');

/**
 * Writes the certificate and the configuration, then starts nginx, or reloads it (SIGHUP) when it
 * runs already; a configuration nginx rejects never replaces a working one.
 */
export async function startGateway(options: {
  runDir: string;
  port: number;
  platform: string;
  tls: Record<string, string>;
  routes: GatewayRoute[];
  /** More server blocks for the same nginx (the web app's). */
  extraServers?: string[];
  log: (line: string) => void;
}): Promise<{ url: string; config: string; accessLog: string; tlsDir: string; reloaded: boolean }> {
  const p = gatewayProcess(options.runDir);
  const tlsDir = join(p.dir, 'tls');
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    // Workers may run as another user than the master (root starts them as nobody).
    mkdirSync(join(p.dir, 'tmp', sub), { recursive: true, mode: 0o1777 });
  }
  mountSecret(tlsDir, options.tls);
  const config = join(p.dir, 'nginx.conf');
  const text = renderNginxConfig({
    listen: `127.0.0.1:${options.port}`,
    platform: options.platform,
    files: {
      dir: p.dir,
      cert: join(tlsDir, 'tls.crt'),
      key: join(tlsDir, 'tls.key'),
      ca: join(tlsDir, 'ca.crt'),
    },
    routes: options.routes,
    ...(options.extraServers ? { extraServers: options.extraServers } : {}),
  });
  const nginx = nginxBinary(options.log);
  const candidate = `${config}.new`;
  writeFileSync(candidate, text);
  try {
    execFileSync(nginx, ['-t', '-q', '-p', p.dir, '-e', join(p.dir, 'error.log'), '-c', candidate], {
      stdio: 'pipe',
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`nginx rejected the generated configuration ${candidate}:\n${stderr}`);
  }
  const changed = !existsSync(config) || readFileSync(config, 'utf8') !== text;
  writeFileSync(config, text);
  const url = `http://127.0.0.1:${options.port}`;
  const accessLog = join(p.dir, 'access.log');
  const pid = runningPid(p);
  if (pid !== undefined) {
    // A reload also re-reads the certificate files, which the operator renews.
    process.kill(pid, 'SIGHUP');
    return { url, config, accessLog, tlsDir, reloaded: changed };
  }
  startProcess(p, nginx, ['-p', p.dir, '-e', join(p.dir, 'error.log'), '-c', config], {
    env: { PATH: process.env.PATH ?? '' },
  });
  await waitReady(
    p,
    async () => {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      return r.ok;
    },
    15_000,
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}\n       nginx error log:\n${logTail({ ...p, log: join(p.dir, 'error.log') })}`,
    );
  });
  return { url, config, accessLog, tlsDir, reloaded: false };
}
