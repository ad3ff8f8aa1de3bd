import { describe, expect, it } from 'vitest';
import { formatView, humanBytes, humanDuration, relativeTime } from './format.js';

describe('output formats', () => {
  it('print the same view as JSON, YAML, or through the human renderer', () => {
    const view = { name: 'quire', ready: true };
    expect(JSON.parse(formatView('json', view, () => 'human'))).toEqual(view);
    expect(formatView('yaml', view, () => 'human')).toBe('name: quire\nready: true');
    expect(formatView('table', view, (v) => `Platform ${v.name}`)).toBe('Platform quire');
  });

  it('write durations, times and sizes as people read them', () => {
    expect(humanDuration(45)).toBe('45s');
    expect(humanDuration(12 * 60)).toBe('12m');
    expect(humanDuration(5 * 3600 + 20 * 60)).toBe('5h20m');
    expect(humanDuration(3 * 86_400 + 4 * 3600)).toBe('3d4h');
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(relativeTime('2026-01-01T01:00:00Z', now)).toBe('in 1h');
    expect(relativeTime('2025-12-31T23:57:00Z', now)).toBe('3m ago');
    expect(relativeTime(undefined, now)).toBe('-');
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});
