/**
 * Spinners and progress bars, on a terminal only: on stderr, redrawn in place, so stdout stays the
 * result alone. Off a terminal (CI logs, pipes) a display prints each new state once, as a line, and
 * never animates, so a log shows what happened without a wall of redraws.
 */
import { humanBytes } from './format.js';
import { isTerminal, paint } from './style.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A block of lines kept up to date while something runs. */
export interface LiveDisplay {
  /** Replaces what is shown: a heading and the lines under it. */
  update(heading: string, lines?: readonly string[]): void;
  /** Clears the display (on a terminal) so the final message stands alone. */
  stop(): void;
}

/** A live display on stderr: animated on a terminal, one line per change elsewhere. */
export function liveDisplay(stream: NodeJS.WriteStream = process.stderr): LiveDisplay {
  const tty = isTerminal(stream);
  let heading = '';
  let lines: readonly string[] = [];
  let drawn = 0;
  let frame = 0;
  let lastPlain = '';
  let lastPrinted = 0;

  const draw = () => {
    // Up and clear as many lines as were drawn, then draw again, each cut to the terminal's width.
    const width = stream.columns || 120;
    const cut = (l: string) => (l.length > width - 1 ? `${l.slice(0, width - 2)}…` : l);
    let out = drawn > 0 ? `\u001b[${drawn}A` : '';
    const spinner = paint('cyan', frames[frame % frames.length] ?? '', stream);
    const all = [`${spinner} ${cut(heading)}`, ...lines.map((l) => `  ${cut(l)}`)];
    for (const l of all) out += `\u001b[2K${l}\n`;
    // Lines left over from a longer previous block are cleared too.
    for (let i = all.length; i < drawn; i++) out += '\u001b[2K\n';
    if (drawn > all.length) out += `\u001b[${drawn - all.length}A`;
    stream.write(out);
    drawn = all.length;
    frame += 1;
  };
  const timer = tty ? setInterval(draw, 100) : undefined;
  timer?.unref();

  return {
    update(h, l = []) {
      heading = h;
      lines = l;
      if (tty) return;
      // Off a terminal, print when the state changes in more than its numbers (clocks, retry delays,
      // replica counts), and otherwise every 15 s, so a CI log shows progress without a wall of lines.
      const substance = [h, ...l].join('\n').replace(/\d+/g, '#');
      if (substance === lastPlain && Date.now() - lastPrinted < 15_000) return;
      stream.write(`${[h, ...l.map((x) => `  ${x}`)].join('\n')}\n`);
      lastPlain = substance;
      lastPrinted = Date.now();
    },
    stop() {
      if (timer) clearInterval(timer);
      if (tty && drawn > 0) stream.write(`\u001b[${drawn}A\u001b[0J`);
      drawn = 0;
    },
  };
}

/** A byte-count progress bar for uploads and downloads; silent off a terminal. */
export function byteProgress(label: string, total: number | undefined, stream = process.stderr) {
  const tty = isTerminal(stream);
  let done = 0;
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!tty || (!force && Date.now() - lastDraw < 100)) return;
    lastDraw = Date.now();
    const width = 30;
    const share = total ? Math.min(1, done / total) : 0;
    const bar = total ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ` : '';
    const of = total ? ` / ${humanBytes(total)}` : '';
    stream.write(`\r\u001b[2K${label} ${bar}${humanBytes(done)}${of}`);
  };
  return {
    add(bytes: number) {
      done += bytes;
      draw();
    },
    stop() {
      if (tty) stream.write('\r\u001b[2K');
    },
  };
}
