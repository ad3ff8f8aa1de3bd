/**
 * `-o table|json|yaml`, the same on every read: json and yaml print the command's documented view
 * (never the human table's wording), table the human rendering of that same view.
 */
import { Option } from 'commander';
import { stringify } from 'yaml';

export const outputFormats = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** The `-o` option every read command takes. */
export const outputOption = () =>
  new Option('-o, --output <format>', 'how to print the result').choices(outputFormats).default('table');

/** Prints `view` in `format`; `table` renders it with `human`. */
export function printView<T>(format: OutputFormat, view: T, human: (view: T) => string): void {
  process.stdout.write(`${formatView(format, view, human)}\n`);
}

/** The text `printView` prints, for tests and for commands that add to it. */
export function formatView<T>(format: OutputFormat, view: T, human: (view: T) => string): string {
  if (format === 'json') return JSON.stringify(view, null, 2);
  if (format === 'yaml') return stringify(view, { lineWidth: 0 }).trimEnd();
  return human(view);
}

/** A duration in seconds as people read it: 45s, 12m, 5h20m, 3d4h. */
export function humanDuration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? `${Math.floor((s % 86_400) / 3600)}h` : ''}`;
}

/** "in 5h20m" or "3m ago" for a timestamp, relative to `now`. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = (at - now) / 1000;
  return seconds >= 0 ? `in ${humanDuration(seconds)}` : `${humanDuration(seconds)} ago`;
}

/** Bytes as people read them: 512 B, 1.5 KiB, 20.0 MiB. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
