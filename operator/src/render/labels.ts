/**
 * The labels on everything a Platform creates. The selector labels are a fixed subset (a Deployment's
 * selector cannot change), and they use the operator's own `platform.quire.dev/platform` key, so no
 * other application's pods can match them by accident.
 */
import { serviceCatalogue } from '@quire/kit/catalogue';
import { type WorkloadName, webAppName } from '../api/index.js';
import { managedByLabel, managedByValue } from '../runtime/ownership.js';

/** The label naming the owning Platform; the runtime puts the same key on every applied object. */
export const platformLabel = 'platform.quire.dev/platform';
export const nameLabel = 'app.kubernetes.io/name';
/**
 * The phase an object belongs to. Every phase applies objects owned by the same Platform, so each
 * prunes only what carries its own value here, never another phase's objects of the same kind.
 */
export const phaseLabel = 'platform.quire.dev/phase';

/**
 * Labels that identify the pods of one service (or of the web app) of one Platform; immutable once a
 * Deployment exists.
 */
export function selectorLabels(platform: string, service: WorkloadName): Record<string, string> {
  return { [nameLabel]: service, [platformLabel]: platform };
}

/** Labels that identify every pod of a Platform (the default-deny NetworkPolicy selects with these). */
export function platformPodLabels(platform: string): Record<string, string> {
  return { [platformLabel]: platform };
}

/**
 * A version as a label value: at most 63 characters, starting and ending with a letter or digit.
 * Image tags may be 128 characters long, so long ones are cut (the image field keeps the full tag).
 */
export function versionLabelValue(version: string): string {
  return version
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
}

/**
 * What a workload is for: public services answer requests through the gateway, the others work from
 * Kafka events, and the web app serves the front end.
 */
function componentOf(workload: WorkloadName): string {
  if (workload === webAppName) return 'frontend';
  return serviceCatalogue[workload].public ? 'api' : 'worker';
}

/**
 * The recommended `app.kubernetes.io` labels plus the Platform label, for one service's (or the web
 * app's) objects and pods.
 */
export function serviceLabels(
  platform: string,
  service: WorkloadName,
  version: string,
): Record<string, string> {
  return {
    ...selectorLabels(platform, service),
    'app.kubernetes.io/instance': platform,
    'app.kubernetes.io/component': componentOf(service),
    'app.kubernetes.io/part-of': 'quire',
    [managedByLabel]: managedByValue,
    'app.kubernetes.io/version': versionLabelValue(version),
  };
}

/** Labels for objects that belong to the Platform as a whole rather than to one service. */
export function platformLabels(platform: string): Record<string, string> {
  return {
    ...platformPodLabels(platform),
    'app.kubernetes.io/instance': platform,
    'app.kubernetes.io/part-of': 'quire',
    [managedByLabel]: managedByValue,
  };
}
