/**
 * `quire pause` and `quire resume`: set spec.paused, then (unless --no-wait) wait until the operator
 * confirms through ReconciliationPaused for the new generation, so "paused" means the operator
 * has actually stopped, not merely that a field was written.
 */
import { connectKube, type KubeOptions } from './client.js';
import { findPlatform, patchPlatform, platformRef } from './platform.js';
import { runWait } from './wait.js';

export interface PauseOptions extends KubeOptions {
  wait: boolean;
  timeout: number;
}

/** Sets spec.paused to `paused` on the Platform. */
export async function runPause(
  name: string | undefined,
  paused: boolean,
  options: PauseOptions,
): Promise<void> {
  const kube = await connectKube(options);
  const platform = await findPlatform(kube, name);
  const ref = platformRef(platform);
  const was = platform.spec?.paused === true;
  const updated =
    was === paused ? platform : await patchPlatform(kube, platform.metadata.name, { spec: { paused } });
  const what = paused
    ? 'the operator changes nothing until `quire resume`'
    : 'the operator converges it on its spec again';
  process.stdout.write(
    was === paused
      ? `Platform ${ref} was already ${paused ? 'paused' : 'running'}\n`
      : `Set spec.paused=${paused} on Platform ${ref} (generation ${updated.metadata.generation ?? '?'}): ${what}\n`,
  );
  if (!options.wait) return;
  await runWait(platform.metadata.name, {
    ...options,
    namespace: kube.namespace,
    for: paused ? 'paused' : 'resumed',
  });
}
