import { z } from 'zod';
import { admit, formatted } from './admission-rules.js';
import { imageReference, podResources, type ResourceDefaults } from './spec-services.js';

/**
 * The web app's name wherever the services' names appear: its image (`<imageRegistry>/web:<version>`),
 * its objects (`<platform>-web`) and its entry in `status.services`. No service is called `web`.
 */
export const webAppName = 'web';

/** nginx serving static files needs far less than a Node.js service. */
const webResourceDefaults: ResourceDefaults = {
  requestsCpu: '50m',
  requestsMemory: '64Mi',
  limitsMemory: '128Mi',
};

/** The web app: the React build in clients/web, served by unprivileged nginx, routed at `/`. */
export const webSpec = admit(
  z.object({
    enabled: admit(
      z.boolean(),
      'Run the web app and, when spec.gateway is set, route / to it; false removes its Deployment, Service and route.',
    ).default(true),
    replicas: admit(
      z.int().min(0).max(100),
      'Pods of the web app (0-100), spread over the zones like the services; defaults to 2.',
    ).default(2),
    image: formatted(
      imageReference,
      'spec.web.image',
      'Full image reference that replaces <imageRegistry>/web:<version> for the web app only, e.g. for a hotfix build.',
    ).optional(),
    resources: podResources(
      'spec.web.resources',
      webResourceDefaults,
      'Compute resources of each pod of the web app.',
    ),
  }),
  "The web app (the static build of clients/web, served by unprivileged nginx on port 8080): on by default and routed at / from the Gateway; the services' longer path prefixes still reach the services.",
).prefault({});
