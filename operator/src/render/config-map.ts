/**
 * A service's ConfigMap of plain settings, read by its pods through `envFrom`, and the checksum the
 * pod template carries so that a change of settings rolls the pods (a ConfigMap read at start does
 * not reach running pods by itself).
 */
import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ServiceName } from '@quire/kit/catalogue';
import { canonicalJson } from '../runtime/desired-hash.js';
import { serviceLabels } from './labels.js';
import { configMapName } from './names.js';
import type { RenderContext } from './render-context.js';

/** The pod-template annotation holding the settings' checksum. */
export const configChecksumAnnotation = 'platform.quire.dev/config-checksum';

/** A short, stable fingerprint of settings, whatever order their keys were written in. */
export function configChecksum(data: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex').slice(0, 16);
}

/** The ConfigMap holding a service's plain settings. */
export function buildConfigMap(
  ctx: RenderContext,
  service: ServiceName,
  data: Record<string, string>,
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(ctx.name, service),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, ctx.platform.spec.version),
    },
    data,
  };
}
