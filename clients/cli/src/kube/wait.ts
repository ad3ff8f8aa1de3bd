/**
 * `quire wait`: polls the Platform once a second (one GET, cheap, and immune to watch expiry) and
 * shows what is still converging until the target holds or the timeout passes; on timeout it exits
 * 1 with the blocking condition's message.
 */
import { CliError, networkReason } from '../errors.js';
import { humanDuration } from '../output/format.js';
import { liveDisplay } from '../output/progress.js';
import { connectKube, type KubeOptions } from './client.js';
import { convergence, parseWaitTarget } from './convergence.js';
import { getPlatform, type PlatformObject, platformRef, resolvePlatformName } from './platform.js';

export interface WaitOptions extends KubeOptions {
  for: string;
  timeout: number;
  interval?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the Platform to reach the target; resolves with the Platform, throws on timeout. */
export async function runWait(name: string | undefined, options: WaitOptions): Promise<PlatformObject> {
  const target = parseWaitTarget(options.for);
  const kube = await connectKube(options);
  const resolved = await resolvePlatformName(kube, name);
  const started = Date.now();
  const deadline = started + options.timeout;
  const display = liveDisplay();
  let blocking = 'nothing was read yet';
  try {
    for (;;) {
      let platform: PlatformObject | undefined;
      try {
        platform = await getPlatform(kube, resolved);
      } catch (error) {
        // A blip of the API server should not end a five-minute wait; anything else should.
        const reason = networkReason(error);
        if (!reason) throw error;
        blocking = `the API server could not be reached: ${reason}`;
      }
      const elapsed = humanDuration((Date.now() - started) / 1000);
      const total = humanDuration(options.timeout / 1000);
      if (platform) {
        const state = convergence(platform, target);
        if (state.done) {
          display.stop();
          const generation = platform.metadata.generation ?? '?';
          process.stdout.write(
            `Platform ${platformRef(platform)} is ${target.label} (generation ${generation}) after ${elapsed}\n`,
          );
          return platform;
        }
        blocking = state.blocking;
        display.update(
          `Waiting for Platform ${platformRef(platform)} to be ${target.label} (${elapsed} of ${total})`,
          state.lines,
        );
      } else {
        display.update(`Waiting for Platform ${kube.namespace}/${resolved} (${elapsed} of ${total})`, [
          blocking,
        ]);
      }
      if (Date.now() >= deadline) {
        display.stop();
        throw new CliError(
          `Timed out after ${total} waiting for Platform ${kube.namespace}/${resolved} to be ${target.label}: ${blocking}`,
          `See the details with: quire status ${resolved} -n ${kube.namespace}; and quire events ${resolved} -n ${kube.namespace}`,
        );
      }
      await sleep(Math.min(options.interval ?? 1000, Math.max(0, deadline - Date.now())));
    }
  } finally {
    display.stop();
  }
}
