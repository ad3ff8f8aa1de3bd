// The delivery scripts' own logic, without Docker, Tilt or a cluster.

import { describe, expect, it } from 'vitest';
import { inContext, parseDockerfile } from '../dockerfile-replay.js';
import { toJsonSchema } from '../sync-charts.js';
import { problemsOf } from '../tiltfile-result.js';

describe('the build context, as .dockerignore shapes it', () => {
  const ignore = '**/node_modules\n**/dist\n.env*\ncharts\n*.md\n!README.keep.md\n';

  it('leaves sources and manifests in, and keeps dependencies, outputs, secrets and charts out', () => {
    expect(inContext('services/auth/src/app.ts', ignore)).toBe(true);
    expect(inContext('package-lock.json', ignore)).toBe(true);
    expect(inContext('services/auth/node_modules/x/index.js', ignore)).toBe(false);
    expect(inContext('operator/dist/main.js', ignore)).toBe(false);
    expect(inContext('.env.local', ignore)).toBe(false);
    expect(inContext('charts/quire-operator/values.yaml', ignore)).toBe(false);
  });

  it('lets a later ! pattern bring a file back', () => {
    expect(inContext('NOTES.md', ignore)).toBe(false);
    expect(inContext('README.keep.md', ignore)).toBe(true);
  });
});

describe('the Dockerfile parser', () => {
  it('joins continued lines and skips comments', () => {
    const parsed = parseDockerfile('# c\nFROM node AS build\nRUN a \\\n && b\n\nCOPY x y\n');
    expect(parsed.map((i) => [i.op, i.args])).toEqual([
      ['FROM', 'node AS build'],
      ['RUN', 'a  && b'],
      ['COPY', 'x y'],
    ]);
  });
});

describe('the Platform values schema derived from the CRD', () => {
  it('drops Kubernetes extensions and closes objects the API server would prune', () => {
    const schema = toJsonSchema({
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'true' }],
      properties: {
        a: { type: 'string' },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, open: { type: 'object' } },
      additionalProperties: false,
    });
  });
});

describe('the Tiltfile result check', () => {
  it('names what is missing from an empty Tiltfile', () => {
    const problems = problemsOf({ Manifests: [], Error: null });
    expect(problems).toContain('no resource named quire-operator');
    expect(problems).toContain('no resource named quire');
  });
});
