import { envVar, envVariablesFor, serviceNames } from '@quire/kit/catalogue';
import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import { buildHttpRoute, isRouted } from './http-route.js';
import { renderContext } from './render-context.js';

describe('an HTTPRoute', () => {
  const ctx = renderContext(samplePlatform('platform-full'), { gatewayApi: true });

  it("attaches to the Platform's Gateway listener and sends the service's paths to its API port", () => {
    expect(buildHttpRoute(ctx, 'auth')?.spec).toEqual({
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'public',
          namespace: 'gateway-system',
          sectionName: 'https',
        },
      ],
      hostnames: ['docs.example.com', 'api.docs.example.com'],
      rules: [
        {
          matches: [
            { path: { type: 'PathPrefix', value: '/v1/auth' } },
            { path: { type: 'PathPrefix', value: '/.well-known/jwks.json' } },
          ],
          backendRefs: [{ group: '', kind: 'Service', name: 'quire-prod-auth', port: 8080 }],
        },
      ],
    });
  });

  it("sends users' calls to notification and audit too, though the seed's diagram keeps them internal", () => {
    type Route = { spec: { rules: { matches: { path: { value: string } }[] }[] } };
    const prefixes = (service: 'notification' | 'audit') =>
      (buildHttpRoute(ctx, service) as Route | undefined)?.spec.rules[0]?.matches.map((m) => m.path.value);
    expect(prefixes('notification')).toEqual([
      '/v1/notifications',
      '/v1/notification-preferences',
      '/v1/webhooks',
    ]);
    expect(prefixes('audit')).toEqual(['/v1/audit']);
  });

  it('is not made for a service without a user API, nor without spec.gateway', () => {
    expect(buildHttpRoute(ctx, 'export')).toBeUndefined();
    expect(buildHttpRoute(renderContext(samplePlatform(), { gatewayApi: true }), 'auth')).toBeUndefined();
  });

  it('routes exactly the services that verify access tokens, and auth, which issues them', () => {
    const routed = serviceNames.filter(isRouted);
    const verifying = serviceNames.filter((s) => envVariablesFor(s).required.includes(envVar.authJwksUrl));
    expect(routed).toEqual(['auth', ...verifying]);
  });
});
