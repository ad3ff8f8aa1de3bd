/**
 * Replays the Dockerfile without Docker, so a broken COPY path, a missing file or a failing install
 * or build command is caught where no image can be built (the interpreter is dockerfile-replay.ts).
 * Then each image is smoke-tested: its entrypoint file exists, and its modules load with only the
 * production dependencies the image carries.
 *
 *   node dev/delivery/dockerfile-stages.ts [--packages operator,services/auth] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext, Failure, replay, type Stage } from './dockerfile-replay.ts';

/** One image: the build arguments `make images` passes, and a module that loads without side effects. */
interface Image {
  package: string;
  entry: string;
  /** Imported in the assembled runtime filesystem to prove its dependencies are all there. */
  smoke: string;
}
const images: Image[] = [
  { package: 'operator', entry: 'main.js', smoke: 'dist/index.js' },
  ...['auth', 'user', 'document', 'notification', 'search', 'export', 'audit'].map((s) => ({
    package: `services/${s}`,
    entry: 'server.js',
    smoke: 'dist/app.js',
  })),
];

/**
 * Docker's layer cache, for stages built from the context alone (the compile stage): their folder is
 * kept between images, and an instruction identical to the one already run at the same position is
 * skipped, so the workspace install runs once. Stages that copy from other stages start afresh, so
 * one image's files never hide another's missing ones.
 */
const layerCache = new Map<string, Stage>();

/** Checks an assembled image: its entrypoint files, and that its modules load with its dependencies. */
function smokeTest(image: Image, stages: Map<string, Stage>): string[] {
  const problems: string[] = [];
  const runtime = stages.get('runtime');
  const dev = stages.get('dev');
  if (!runtime) return ['the Dockerfile has no runtime stage'];
  const app = join(runtime.dir, 'app', image.package);
  const entrypoint = join(app, 'dist', 'entrypoint.js');
  if (!existsSync(entrypoint)) problems.push(`runtime: ${relative(runtime.dir, entrypoint)} is missing`);
  else if (!readFileSync(entrypoint, 'utf8').includes(`./${image.entry}`)) {
    problems.push(`runtime: dist/entrypoint.js does not import ./${image.entry}`);
  }
  if (!existsSync(join(app, 'dist', image.entry))) problems.push(`runtime: dist/${image.entry} is missing`);
  const load = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(join(app, image.smoke))})`],
    { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (load.status !== 0) {
    problems.push(
      `runtime: ${image.smoke} does not load with the image's node_modules:\n${load.stderr.trim()}`,
    );
  }
  if (dev && image.package.startsWith('services/')) {
    const script = join(dev.dir, 'app', 'dev', 'delivery', 'live', 'entrypoint.sh');
    if (!existsSync(script) || (statSync(script).mode & 0o111) === 0) {
      problems.push('dev: the live entrypoint is missing or not executable');
    }
    // What entrypoint.sh does, then the service's app module from its sources through the hook.
    const live = join(dev.dir, 'tmp', 'live');
    const appDir = join(dev.dir, 'app');
    const copy = spawnSync(
      'sh',
      ['-c', `sed 's/^exec node.*$/exit 0/; s/^  --import.*$//' "${script}" | sh`],
      {
        env: { ...process.env, QUIRE_LIVE_DIR: live, QUIRE_APP_DIR: appDir, QUIRE_PACKAGE: image.package },
        encoding: 'utf8',
      },
    );
    if (copy.status !== 0) problems.push(`dev: entrypoint.sh failed before starting node:\n${copy.stderr}`);
    const hook = join(appDir, 'dev', 'delivery', 'live', 'ts-hook.mjs');
    const source = join(live, image.package, 'src', 'app.ts');
    const devLoad = spawnSync(
      process.execPath,
      [
        '--experimental-transform-types',
        '--disable-warning=ExperimentalWarning',
        '--import',
        hook,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(source)})`,
      ],
      {
        cwd: join(live, image.package),
        encoding: 'utf8',
        env: { ...process.env, QUIRE_LIVE_DIR: live, QUIRE_APP_DIR: appDir },
      },
    );
    if (devLoad.status !== 0)
      problems.push(`dev: src/app.ts does not load from the live sources:\n${devLoad.stderr.trim()}`);
  }
  return problems;
}

function main(argv: string[]): number {
  const only = argv.includes('--packages')
    ? (argv[argv.indexOf('--packages') + 1] ?? '').split(',')
    : undefined;
  const keep = argv.includes('--keep');
  const selected = only ? images.filter((i) => only.includes(i.package)) : images;
  const work = mkdtempSync(join(tmpdir(), 'quire-dockerfile-'));
  const log = (s: string) => console.log(s);
  let failed = 0;
  try {
    const context = join(work, 'context');
    const count = buildContext(context);
    log(`Build context: ${count} files after .dockerignore (${work}/context)`);
    for (const image of selected) {
      const started = Date.now();
      log(`Replaying the Dockerfile for ${image.package} (ENTRY=${image.entry})`);
      try {
        const stages = replay({
          dockerfile: 'Dockerfile',
          buildArgs: {
            PACKAGE: image.package,
            ENTRY: image.entry,
            IMAGE_NAME: posix.basename(image.package),
          },
          context,
          work: join(work, image.package.replace('/', '-')),
          log,
          layerCache,
        });
        const problems = smokeTest(image, stages);
        if (problems.length > 0) throw new Failure(problems.join('\n'));
        log(
          `ok ${image.package}: every COPY source exists, every RUN succeeded, ${image.smoke} loads (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
      } catch (error) {
        if (!(error instanceof Failure)) throw error;
        failed += 1;
        console.error(`FAILED ${image.package}: ${error.message}`);
      }
      if (!keep) {
        // The cached compile stage lives in the first image's folder; the rest of that folder can go.
        const cachedDirs = new Set([...layerCache.values()].map((st) => st.dir));
        const folder = join(work, image.package.replace('/', '-'));
        for (const name of ['deps', 'runtime', 'dev']) {
          const dir = join(folder, name);
          if (!cachedDirs.has(dir)) rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
  log(`${selected.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
