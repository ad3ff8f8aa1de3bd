/**
 * What every builder receives: the parsed Platform (defaults filled in), where it lives, and the few
 * facts about the cluster that are not in the spec. Builders are pure functions of this.
 */
import type { Platform } from '../api/index.js';

export interface RenderOptions {
  /** The Gateway API CRDs are installed, so HTTPRoutes can be created. */
  gatewayApi: boolean;
  /** Namespaces whose pods may scrape the ops port (/metrics); default `monitoring`. */
  metricsNamespaces: readonly string[];
  /** Namespace of the cluster DNS, which every pod may reach on port 53; default `kube-system`. */
  dnsNamespace: string;
}

export const defaultRenderOptions: RenderOptions = {
  gatewayApi: false,
  metricsNamespaces: ['monitoring'],
  dnsNamespace: 'kube-system',
};

export interface RenderContext {
  readonly platform: Platform;
  /** metadata.name of the Platform. */
  readonly name: string;
  /** The Platform's namespace; everything it owns lives there. */
  readonly namespace: string;
  readonly options: RenderOptions;
}

/** A render context for a parsed Platform; throws if the Platform lacks a name or namespace (a bug upstream). */
export function renderContext(platform: Platform, options: Partial<RenderOptions> = {}): RenderContext {
  const { name, namespace } = platform.metadata;
  if (!name || !namespace) throw new Error('A Platform to render needs metadata.name and metadata.namespace');
  return { platform, name, namespace, options: { ...defaultRenderOptions, ...options } };
}
