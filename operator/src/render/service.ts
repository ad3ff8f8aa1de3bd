/**
 * The Services: a service's has the API port (HTTPS with mTLS) and the ops port (probes and metrics,
 * plain HTTP); the web app's has one plain HTTP port.
 */
import type { V1Service } from '@kubernetes/client-node';
import { defaultPorts, type ServiceName } from '@quire/kit/catalogue';
import { webAppName } from '../api/index.js';
import { selectorLabels, serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';
import { webPort } from './web-deployment.js';

export function buildService(ctx: RenderContext, service: ServiceName): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceObjectName(ctx.name, service),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, ctx.platform.spec.version),
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(ctx.name, service),
      ports: [
        {
          name: 'https',
          port: defaultPorts.http,
          targetPort: 'https',
          protocol: 'TCP',
          appProtocol: 'https',
        },
        { name: 'ops', port: defaultPorts.ops, targetPort: 'ops', protocol: 'TCP', appProtocol: 'http' },
      ],
    },
  };
}

/**
 * The web app's Service. Its port is plain HTTP, and says so in
 * `appProtocol` (as the services' API ports say `https`), so a Gateway implementation that picks the
 * backend protocol from it speaks HTTP here and TLS to the services.
 */
export function buildWebService(ctx: RenderContext): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceObjectName(ctx.name, webAppName),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, webAppName, ctx.platform.spec.version),
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(ctx.name, webAppName),
      ports: [{ name: 'http', port: webPort, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    },
  };
}
