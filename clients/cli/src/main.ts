#!/usr/bin/env node
/** The `quire` binary: runs the program and turns whatever it throws into a message and an exit code. */
import { describeFailure } from './errors.js';
import { paint } from './output/style.js';
import { buildProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    const report = describeFailure(error);
    if (!report.printed) {
      const [first, ...rest] = report.lines;
      process.stderr.write(`${paint('red', 'Error:', process.stderr)} ${first}\n`);
      for (const line of rest) process.stderr.write(`${line}\n`);
    }
    return report.exitCode;
  }
}

// A closed pipe (quire status | head) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv);
// Exit once stdout has drained: idle keep-alive connections would otherwise hold the process open for seconds.
process.stdout.write('', () => process.exit(code));
