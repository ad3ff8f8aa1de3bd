/**
 * A service's ServiceAccount: its workload identity (the certificates phase names it in the
 * certificate's SPIFFE ID). It holds no API permissions and mounts no token.
 */
import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { ServiceName } from '@quire/kit/catalogue';
import { serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

export function buildServiceAccount(ctx: RenderContext, service: ServiceName): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: serviceObjectName(ctx.name, service),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, ctx.platform.spec.version),
    },
    automountServiceAccountToken: false,
  };
}
