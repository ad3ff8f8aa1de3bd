import { describe, expect, it } from 'vitest';
import { invalidCases, loadExample } from '../../test/platform-api-cases.js';
import { describeProblems, fieldPath, parsePlatform } from './parse.js';

describe('parsePlatform', () => {
  const checked = invalidCases.filter((c) => c.by !== 'unknown-field');

  it.each(checked)('rejects $mistake, naming $field', ({ breakIt, field, message, by }) => {
    const manifest = loadExample('platform-minimal');
    breakIt(manifest);
    const result = parsePlatform(manifest);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths, describeProblems(result.problems)).toContain(field);
    if (by === 'cel') {
      // The Platform API's own rules say the same words here as at `kubectl apply`.
      const atField = result.problems.filter((p) => p.path === field).map((p) => p.message);
      expect(atField.join('\n')).toContain(message);
    }
  });

  it('drops fields the schema does not know, as the API server prunes them', () => {
    const manifest = loadExample('platform-minimal');
    manifest.spec.services = { billing: { replicas: 2 } };
    const result = parsePlatform(manifest);
    expect(result.ok && 'billing' in result.platform.spec.services).toBe(false);
  });

  it('lists every problem at once, not just the first', () => {
    const manifest = loadExample('platform-minimal');
    delete manifest.spec.version;
    manifest.spec.postgres.port = 0;
    manifest.spec.redis.addresses = ['no-port'];
    const result = parsePlatform(manifest);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['spec.version', 'spec.postgres.port', 'spec.redis.addresses[0]']),
    );
  });

  it('rejects something that is not a Platform at all', () => {
    const result = parsePlatform({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['apiVersion', 'kind', 'spec']),
    );
  });

  it('writes field paths the way Kubernetes does', () => {
    expect(fieldPath(['spec', 'kafka', 'topics', 3, 'config', 'retention.ms'])).toBe(
      'spec.kafka.topics[3].config["retention.ms"]',
    );
    expect(fieldPath([])).toBe('<root>');
  });
});
