import { describe, expect, it } from 'vitest';
import { serviceCatalogue, serviceNames } from './service-catalogue.js';

describe('the service catalogue', () => {
  it('describes exactly the seven services of the seed, each under its own name', () => {
    expect(Object.keys(serviceCatalogue).sort()).toEqual([...serviceNames].sort());
    for (const name of serviceNames) expect(serviceCatalogue[name].name).toBe(name);
  });

  it('takes replica counts from the seed table', () => {
    const replicas = Object.fromEntries(serviceNames.map((n) => [n, serviceCatalogue[n].defaultReplicas]));
    expect(replicas).toEqual({
      auth: 3,
      user: 2,
      document: 4,
      notification: 2,
      search: 3,
      export: 2,
      audit: 2,
    });
  });

  it('puts auth, user, document and search behind the gateway and nothing else', () => {
    expect(serviceNames.filter((n) => serviceCatalogue[n].public)).toEqual([
      'auth',
      'user',
      'document',
      'search',
    ]);
  });
});
