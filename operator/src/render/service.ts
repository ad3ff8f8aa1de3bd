/** A service's Service: the API port (HTTPS with mTLS) and the ops port (probes and metrics, plain HTTP). */
import type { V1Service } from '@kubernetes/client-node';
import { defaultPorts, type ServiceName } from '@quire/kit/catalogue';
import { selectorLabels, serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

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
