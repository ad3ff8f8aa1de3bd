/**
 * A service's ServiceAccount: its workload identity (the certificates phase names it in the
 * certificate's SPIFFE ID). It holds no API permissions and mounts no token. The web app gets one
 * too, so its pods never run as the namespace's `default` account.
 */
import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { WorkloadName } from '../api/index.js';
import { serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

export function buildServiceAccount(ctx: RenderContext, service: WorkloadName): V1ServiceAccount {
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
