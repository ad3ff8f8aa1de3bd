/**
 * Colour through Node's own `util.styleText`, which already leaves text plain when the stream is not
 * a terminal or NO_COLOR is set (and colours when FORCE_COLOR is), so piped output stays clean.
 */
import { stripVTControlCharacters, styleText } from 'node:util';

type Format = Parameters<typeof styleText>[0];
type Stream = NodeJS.WriteStream;

/** Styles `text` for `stream` (stdout by default); plain when that stream should not get colour. */
export function paint(format: Format, text: string, stream: Stream = process.stdout): string {
  return styleText(format, text, { stream });
}

/** The colour of a condition status: green True, red False, yellow Unknown. */
export function statusColour(status: string | undefined): Format {
  if (status === 'True') return 'green';
  if (status === 'False') return 'red';
  return 'yellow';
}

/** Whether `stream` is an interactive terminal, where spinners and progress bars belong. */
export const isTerminal = (stream: Stream = process.stderr): boolean => stream.isTTY === true;

/** The visible length of a string that may carry colour codes. */
export const visibleLength = (text: string): number => stripVTControlCharacters(text).length;
