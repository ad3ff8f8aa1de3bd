/**
 * Prints the Platform Tilt applies: examples/platform-minimal.yaml in the `quire` namespace, pointed
 * at deploy/kind's stores, each service's image (and the web app's) named as the Tiltfile's docker_build names it (Tilt
 * swaps in the image it built), and the platform's Kafka topics with one replica, as the one-node
 * broker there needs. Reads the compiled operator (`npx tsc -b operator` first, as the Tiltfile does).
 *
 *   node dev/delivery/tilt-platform.ts [image-prefix]   (default quire/)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { defaultTopicSpecs } = (await import(join(root, 'operator', 'dist', 'api', 'index.js'))) as {
  defaultTopicSpecs: () => Array<{ replicationFactor: number; config: Record<string, string> }>;
};
const services = ['auth', 'user', 'document', 'notification', 'search', 'export', 'audit'];
const prefix = process.argv[2] ?? 'quire/';

interface Manifest {
  metadata: Record<string, unknown>;
  spec: { kafka: Record<string, unknown>; [field: string]: unknown };
}
const platform = parse(readFileSync(join(root, 'examples', 'platform-minimal.yaml'), 'utf8')) as Manifest;
platform.metadata = { ...platform.metadata, namespace: 'quire' };
// One replica of each service fits a laptop.
platform.spec.services = Object.fromEntries(
  services.map((s) => [s, { replicas: 1, image: `${prefix}${s}:tilt` }]),
);
platform.spec.web = { replicas: 1, image: `${prefix}web:tilt` };
platform.spec.kafka.topics = defaultTopicSpecs().map((topic) => ({
  ...topic,
  replicationFactor: 1,
  config: { ...topic.config, 'min.insync.replicas': '1' },
}));
// A laptop's topics and schemas go with its Platform.
platform.spec.deletionPolicy = { topics: 'Delete', schemas: 'Delete' };
process.stdout.write(stringify(platform));
