import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDuration, parsePositiveInt } from './arguments.js';

describe('durations on the command line', () => {
  it('read as kubectl writes them: 90s, 5m, 1h30m, 500ms, and bare seconds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('45')).toBe(45_000);
  });

  it('refuse anything else as a usage error that shows how to write one', () => {
    for (const bad of ['5 minutes', 'm5', '', '1d', '5m!']) {
      expect(() => parseDuration(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => parseDuration('soon')).toThrow(/write it like 90s, 5m or 1h30m/);
  });

  it('and counts must be whole numbers of at least one', () => {
    expect(parsePositiveInt('20')).toBe(20);
    expect(() => parsePositiveInt('0')).toThrow(InvalidArgumentError);
    expect(() => parsePositiveInt('2.5')).toThrow(InvalidArgumentError);
  });
});
