import { serviceNames } from '@quire/kit/catalogue';
import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import { desiredWorkloads } from './desired-workloads.js';
import { platformLabel } from './labels.js';

const count = (objects: ReturnType<typeof desiredWorkloads>) => {
  const counts: Record<string, number> = {};
  for (const { kind } of objects) counts[kind.kind] = (counts[kind.kind] ?? 0) + 1;
  return counts;
};

describe('the objects a Platform wants', () => {
  it('for the minimal sample are one of each per service and for the web app (which has no settings), a budget each, and nine NetworkPolicies', () => {
    expect(count(desiredWorkloads(samplePlatform()))).toEqual({
      NetworkPolicy: 9,
      ServiceAccount: 8,
      ConfigMap: 7,
      Service: 8,
      Deployment: 8,
      PodDisruptionBudget: 8,
    });
  });

  it('leave out every object of the web app when spec.web.enabled is false, so the workloads phase prunes them', () => {
    const objects = desiredWorkloads(
      samplePlatform('platform-full', (m) => (m.spec.web = { enabled: false })),
      { gatewayApi: true },
    );
    expect(objects.filter((o) => o.object.metadata.name === 'quire-prod-web')).toEqual([]);
    expect(count(objects)).toMatchObject({ Deployment: 7, Service: 7, HTTPRoute: 6, NetworkPolicy: 8 });
  });

  it('start with the NetworkPolicies, so no pod ever runs before the policies that confine it', () => {
    const objects = desiredWorkloads(samplePlatform());
    const lastPolicy = objects.findLastIndex((o) => o.kind.kind === 'NetworkPolicy');
    const firstDeployment = objects.findIndex((o) => o.kind.kind === 'Deployment');
    expect(lastPolicy).toBeLessThan(firstDeployment);
    expect(objects[0]?.object.metadata.name).toBe('quire-default-deny');
  });

  it("all live in the Platform's namespace and carry the Platform's and the phase's labels", () => {
    for (const { object } of desiredWorkloads(samplePlatform())) {
      expect(object.metadata.namespace).toBe('quire-test');
      expect(object.metadata.labels?.[platformLabel]).toBe('quire');
      expect(object.metadata.labels?.['platform.quire.dev/phase']).toBe('workloads');
    }
  });

  it('for the full sample add an autoscaler for document and routes to every service with a user API and to the web app when the Gateway API is installed', () => {
    const objects = desiredWorkloads(samplePlatform('platform-full'), { gatewayApi: true });
    expect(
      objects.filter((o) => o.kind.kind === 'HorizontalPodAutoscaler').map((o) => o.object.metadata.name),
    ).toEqual(['quire-prod-document']);
    expect(objects.filter((o) => o.kind.kind === 'HTTPRoute').map((o) => o.object.metadata.name)).toEqual([
      'quire-prod-auth',
      'quire-prod-user',
      'quire-prod-document',
      'quire-prod-notification',
      'quire-prod-search',
      'quire-prod-audit',
      'quire-prod-web',
    ]);
  });

  it('include no routes while the Gateway API CRDs are not installed, even when spec.gateway is set', () => {
    const objects = desiredWorkloads(samplePlatform('platform-full'), { gatewayApi: false });
    expect(objects.some((o) => o.kind.kind === 'HTTPRoute')).toBe(false);
  });

  it('are the same every time they are built, so an unchanged spec never causes a write', () => {
    expect(JSON.stringify(desiredWorkloads(samplePlatform('platform-full')))).toBe(
      JSON.stringify(desiredWorkloads(samplePlatform('platform-full'))),
    );
  });

  it('have names within 63 characters even for the longest Platform name allowed', () => {
    const longest = 'p'.repeat(40);
    const objects = desiredWorkloads(
      samplePlatform('platform-full', (m) => (m.metadata.name = longest)),
      {
        gatewayApi: true,
      },
    );
    for (const { object } of objects) expect(object.metadata.name?.length).toBeLessThanOrEqual(63);
    expect(objects.filter((o) => o.kind.kind === 'Deployment')).toHaveLength(serviceNames.length + 1);
  });

  it('leave out the budget of a service scaled to one replica', () => {
    const objects = desiredWorkloads(
      samplePlatform('platform-minimal', (m) => (m.spec.services = { audit: { replicas: 1 } })),
    );
    const budgets = objects
      .filter((o) => o.kind.kind === 'PodDisruptionBudget')
      .map((o) => o.object.metadata.name);
    expect(budgets).toHaveLength(7);
    expect(budgets).not.toContain('quire-audit');
  });
});
