/** Parsers of option values; what they reject is a usage error (exit code 2) that says what to write. */
import { InvalidArgumentError } from 'commander';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in `text`; throws commander's InvalidArgumentError (a usage error) otherwise. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new InvalidArgumentError(`"${text}" is not a duration; write it like 90s, 5m or 1h30m.`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? 's'] ?? 1000), 0));
}

/** A whole number of at least 1, for --limit and similar. */
export function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`"${text}" is not a whole number of at least 1.`);
  }
  return value;
}
