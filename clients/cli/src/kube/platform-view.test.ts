import { describe, expect, it } from 'vitest';
import type { PlatformObject } from './platform.js';
import { renderStatus, statusView } from './platform-view.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const platform = {
  metadata: { name: 'quire', namespace: 'prod', generation: 4 },
  spec: {
    paused: false,
    kafka: { topics: [{ name: 'quire.document.events', partitions: 12, replicationFactor: 3 }] },
  },
  status: {
    observedGeneration: 4,
    servicesReady: '6/7',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Reconciled',
        message: 'ok',
        lastTransitionTime: '2026-01-01T11:00:00Z',
        observedGeneration: 4,
      },
    ],
    services: [
      {
        name: 'document',
        image: 'r/document:1',
        desiredReplicas: 4,
        readyReplicas: 3,
        zones: [
          { zone: 'zone-a', desiredReplicas: 2, readyReplicas: 2 },
          { zone: 'zone-b', desiredReplicas: 2, readyReplicas: 1 },
        ],
      },
    ],
    certificates: [
      {
        name: 'auth',
        secretName: 'quire-auth-tls',
        notAfter: '2026-01-02T12:00:00Z',
        renewalTime: '2026-01-02T04:00:00Z',
      },
    ],
    schemas: [
      { service: 'auth', schema: 'auth', version: '0002_signing_keys', appliedAt: '2026-01-01T10:00:00Z' },
    ],
  },
} as unknown as PlatformObject;

describe('quire status', () => {
  it('gives -o json the documented view of what the Platform reports', () => {
    expect(statusView(platform)).toEqual({
      name: 'quire',
      namespace: 'prod',
      generation: 4,
      observedGeneration: 4,
      paused: false,
      ready: true,
      servicesReady: '6/7',
      conditions: platform.status?.conditions,
      services: [
        {
          name: 'document',
          image: 'r/document:1',
          readyReplicas: 3,
          desiredReplicas: 4,
          zones: [
            { zone: 'zone-a', readyReplicas: 2, desiredReplicas: 2 },
            { zone: 'zone-b', readyReplicas: 1, desiredReplicas: 2 },
          ],
        },
      ],
      certificates: [
        {
          name: 'auth',
          secretName: 'quire-auth-tls',
          notAfter: '2026-01-02T12:00:00Z',
          renewalTime: '2026-01-02T04:00:00Z',
        },
      ],
      topics: [{ name: 'quire.document.events', partitions: 12, replicationFactor: 3 }],
      schemas: [
        { service: 'auth', schema: 'auth', version: '0002_signing_keys', appliedAt: '2026-01-01T10:00:00Z' },
      ],
    });
  });

  it('draws tables with replicas per zone as columns and expiries relative to now', () => {
    const text = renderStatus(statusView(platform), now);
    expect(text).toContain('Platform prod/quire: Ready (generation 4, observed 4; services ready 6/7)');
    expect(text).toMatch(
      /SERVICE\s+READY\s+ZONE-A\s+ZONE-B\s+IMAGE\n\s+document\s+3\/4\s+2\/2\s+1\/2\s+r\/document:1/,
    );
    expect(text).toMatch(/auth\s+quire-auth-tls\s+in 1d\s+2026-01-02T12:00:00Z\s+in 16h/);
    expect(text).toMatch(/Ready\s+True\s+Reconciled\s+1h\s+ok/);
  });
});
