/**
 * Tables as kubectl prints them: upper-case headers, columns padded to their widest cell, three
 * spaces apart, no borders, so they read on a terminal and still split on whitespace in a pipe.
 */
import { paint, visibleLength } from './style.js';

/** A cell: its text, or its text with a colour applied after padding. */
export type Cell = string | { text: string; colour: Parameters<typeof paint>[0] };

const textOf = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);

/** Renders rows under headers; the last column is not padded, so long messages do not leave trailing blanks. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const widths = headers.map((h, i) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(textOf(r[i] ?? '')))),
  );
  const line = (cells: readonly Cell[], header = false) =>
    cells
      .map((cell, i) => {
        const text = textOf(cell);
        const padded =
          i === cells.length - 1 ? text : text + ' '.repeat((widths[i] ?? 0) - visibleLength(text));
        if (header) return paint('bold', padded);
        return typeof cell === 'string' ? padded : paint(cell.colour, padded);
      })
      .join('   ')
      .trimEnd();
  return [line(headers, true), ...rows.map((r) => line(r))].join('\n');
}

/** A titled section for human output: a bold heading, then the body indented by two spaces. */
export function section(title: string, body: string): string {
  const indented = body
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
  return `${paint('bold', title)}\n${indented}`;
}
