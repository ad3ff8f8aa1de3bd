/**
 * `npm run bench -w @quire/kit`: the per-request cost of the kit as ratios against node:http and
 * bare Express measured in the same run, so a shared, noisy machine still gives comparable numbers.
 * The servers run in a child process (middleware-ladder.ts) and autocannon drives them from this one.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function startLadder(tracingRatio?: string) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./middleware-ladder.ts', import.meta.url))], {
    env: { ...process.env, ...(tracingRatio === undefined ? {} : { RATIO: tracingRatio }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const { ports } = JSON.parse(line.toString()) as { ports: Record<string, number> };
  return { ports, stop: () => child.kill('SIGINT') };
}

async function requestsPerSecond(port: number): Promise<number> {
  const url = `http://127.0.0.1:${port}/hello`;
  await autocannon({ url, connections, duration: 1 }); // warm-up: JIT and connection set-up
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const rows: [string, number][] = [];
const plain = await startLadder();
for (const name of ['node', 'express', 'kit'] as const) {
  const port = plain.ports[name];
  if (port === undefined) throw new Error(`the ladder did not report a port for ${name}`);
  rows.push([name === 'kit' ? 'kit (tracing off)' : name, await requestsPerSecond(port)]);
}
plain.stop();
const traced = await startLadder('0.1');
const tracedKit = traced.ports.kit;
if (tracedKit === undefined) throw new Error('the ladder did not report a port for kit');
rows.push(['kit (10% sampled)', await requestsPerSecond(tracedKit)]);
traced.stop();

const [, nodeRps = 1] = rows[0] ?? [];
const [, expressRps = 1] = rows[1] ?? [];
console.log(
  `Kit middleware ladder on Node ${process.version}: ${connections} connections, ${seconds} s each`,
);
console.log('server                 req/s   vs node:http   vs express');
for (const [name, rps] of rows) {
  console.log(
    `${name.padEnd(20)} ${rps.toFixed(0).padStart(8)}   ${(rps / nodeRps).toFixed(2).padStart(12)}   ${(rps / expressRps).toFixed(2).padStart(10)}`,
  );
}
