import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import { buildHttpRoute } from './http-route.js';
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

  it('is not made for an internal service, nor without spec.gateway', () => {
    expect(buildHttpRoute(ctx, 'audit')).toBeUndefined();
    expect(buildHttpRoute(renderContext(samplePlatform(), { gatewayApi: true }), 'auth')).toBeUndefined();
  });
});
