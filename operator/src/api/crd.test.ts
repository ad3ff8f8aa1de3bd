import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdPath, platformCrd, renderCrdYaml } from './index.js';

const committed = readFileSync(new URL(`../../../${crdPath}`, import.meta.url), 'utf8');

describe('the Platform CRD', () => {
  it('is committed exactly as the schema generates it', () => {
    const generated = renderCrdYaml();
    if (committed !== generated) {
      throw new Error(
        `${crdPath} is stale: it differs from what operator/src/api generates; run make generate`,
      );
    }
  });

  it('generates the same bytes every time', () => {
    expect(renderCrdYaml()).toBe(renderCrdYaml());
  });

  it('reads back as the CRD object', () => {
    expect(parse(committed)).toEqual(platformCrd());
  });

  it('names a namespaced Platform in group platform.quire.dev, short name qp, category quire', () => {
    const { spec, metadata } = platformCrd();
    expect(metadata.name).toBe('platforms.platform.quire.dev');
    expect(spec.scope).toBe('Namespaced');
    expect(spec.names).toMatchObject({
      kind: 'Platform',
      plural: 'platforms',
      shortNames: ['qp'],
      categories: ['quire'],
    });
    expect(spec.names.categories).not.toContain('all');
  });

  it('serves v1alpha1 with a status subresource and the printer columns kubectl get shows', () => {
    const [version] = platformCrd().spec.versions;
    expect(version?.name).toBe('v1alpha1');
    expect(version?.subresources).toEqual({ status: {} });
    expect(version?.additionalPrinterColumns.map((c) => [c.name, c.jsonPath])).toEqual([
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Version', '.spec.version'],
      ['Services', '.status.servicesReady'],
      ['Age', '.metadata.creationTimestamp'],
      ['Message', '.status.conditions[?(@.type=="Ready")].message'],
    ]);
  });
});
