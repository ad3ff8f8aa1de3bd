/**
 * Replays the Dockerfile without Docker, so a broken COPY path, a missing file or a failing install
 * or build command is caught where no image can be built. A small interpreter walks the Dockerfile
 * itself: each stage gets a folder standing for its filesystem, ARG and ENV become the environment,
 * WORKDIR and COPY (from the build context, which honours .dockerignore, or from an earlier stage)
 * copy files, and RUN runs its command with `sh -c` exactly as written. Base image contents (Node.js,
 * npm) come from this machine. Then each image is smoke-tested: its entrypoint file exists, and its
 * modules load with only the production dependencies the image carries.
 *
 *   node dev/delivery/dockerfile-stages.ts [--packages operator,services/auth] [--keep]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** The Dockerfile's instructions, with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const match = /^(\w+)\s+(.*)$/s.exec(full);
    if (match?.[1] && match[2] !== undefined)
      out.push({ op: match[1].toUpperCase(), args: match[2], line: start });
  });
  return out;
}

/** A .dockerignore pattern as a regular expression over slash-separated context paths. */
function patternToRegExp(pattern: string): RegExp {
  const clean = posix.normalize(pattern.replace(/^\/+/, ''));
  let re = '';
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i] as string;
    if (c === '*' && clean[i + 1] === '*') {
      // `**/` matches any number of folders, including none.
      re += clean[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += clean[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern that matches a folder excludes everything in it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** True when .dockerignore leaves `path` in the build context (later patterns win, `!` re-includes). */
export function inContext(path: string, dockerignore: string): boolean {
  let included = true;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (patternToRegExp(negated ? line.slice(1) : line).test(path)) included = negated;
  }
  return included;
}

/** Copies the build context (the work tree's files, less .dockerignore) into `target`. */
function buildContext(target: string): number {
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)) && inContext(f, ignore));
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file), { verbatimSymlinks: true });
  }
  return files.length;
}

const expand = (text: string, vars: Record<string, string>) =>
  text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_, a: string | undefined, b: string | undefined) => vars[a ?? b ?? ''] ?? '',
  );

/** Splits a COPY's arguments into flags, sources and destination (the shell form only). */
function copyArgs(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/).filter((w) => w !== '');
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  const dest = paths.pop();
  if (!dest || paths.length === 0) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { ...(from ? { from } : {}), sources: paths, dest };
}

interface Stage {
  name: string;
  dir: string;
  workdir: string;
  env: Record<string, string>;
  /** The instructions run in `dir` so far, as Docker's layer cache would key them. */
  layers: string[];
}

/**
 * Docker's layer cache, for stages built from the context alone (the compile stage): their folder is
 * kept between images, and an instruction identical to the one already run at the same position is
 * skipped, so the workspace install runs once. Stages that copy from other stages start afresh, so
 * one image's files never hide another's missing ones.
 */
const layerCache = new Map<string, Stage>();

class Failure extends Error {}

/** The instructions of one stage (after its FROM, up to the next). */
function instructionsOf(instructions: Instruction[], name: string): Instruction[] {
  const start = instructions.findIndex(
    (i) => i.op === 'FROM' && new RegExp(`\\bAS\\s+${name}$`, 'i').test(i.args),
  );
  if (start < 0) return [];
  const end = instructions.findIndex((i, index) => index > start && i.op === 'FROM');
  return instructions.slice(start + 1, end < 0 ? undefined : end);
}

/** Runs the Dockerfile's stages for one image; returns the stages' folders by name. */
function replay(image: Image, context: string, work: string, log: (s: string) => void): Map<string, Stage> {
  const instructions = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const buildArgs: Record<string, string> = {
    PACKAGE: image.package,
    ENTRY: image.entry,
    IMAGE_NAME: posix.basename(image.package),
  };
  const globalArgs: Record<string, string> = {};
  const stages = new Map<string, Stage>();
  let stage: Stage | undefined;
  let reusing = false;
  // The host's Node.js and npm stand in for the base image's.
  const basePath = `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`;
  for (const { op, args, line } of instructions) {
    const where = `Dockerfile:${line} ${op} ${args.slice(0, 80)}`;
    if (op === 'ARG') {
      const [name, value = ''] = args.split('=', 2) as [string, string?];
      const resolved = buildArgs[name] ?? value.replace(/^"(.*)"$/, '$1');
      if (stage) stage.env[name] = resolved;
      else globalArgs[name] = resolved;
      continue;
    }
    if (op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.size}`;
      const cached = layerCache.get(name);
      stage = {
        name,
        dir: cached?.dir ?? join(work, name),
        workdir: '/',
        env: { PATH: basePath },
        layers: [],
      };
      if (cached) log(`  ${name}: reusing the cached layers of the previous image where they match`);
      mkdirSync(stage.dir, { recursive: true });
      stages.set(name, stage);
      reusing = cached !== undefined;
      continue;
    }
    if (!stage) throw new Failure(`${where}: an instruction before the first FROM`);
    // Docker's cache key, roughly: the instruction with its arguments expanded, at its position.
    const key = `${op} ${expand(args, stage.env)}`;
    reusing = reusing && layerCache.get(stage.name)?.layers[stage.layers.length] === key;
    stage.layers.push(key);
    if (reusing && (op === 'RUN' || op === 'COPY')) continue;
    const path = (p: string) => join(stage?.dir ?? '', posix.resolve(stage?.workdir ?? '/', p));
    if (op === 'WORKDIR') {
      stage.workdir = posix.resolve(stage.workdir, expand(args, stage.env));
      mkdirSync(path('.'), { recursive: true });
    } else if (op === 'ENV') {
      for (const [, k, v] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
        stage.env[k as string] = expand((v as string).replace(/^"(.*)"$/, '$1'), stage.env);
      }
    } else if (op === 'COPY') {
      const { from, sources, dest } = copyArgs(expand(args, stage.env));
      const source = from ? stages.get(from) : undefined;
      if (from && !source) throw new Failure(`${where}: no earlier stage named ${from}`);
      const target = path(dest);
      for (const src of sources) {
        const origin = source ? join(source.dir, src) : join(context, src);
        if (!existsSync(origin)) {
          throw new Failure(
            `${where}: ${src} does not exist ${source ? `in stage ${from}` : 'in the build context (missing, or excluded by .dockerignore)'}`,
          );
        }
        const intoDir = dest.endsWith('/') || sources.length > 1 || (src === '.' && !from);
        const destination = intoDir && src !== '.' ? join(target, posix.basename(src)) : target;
        mkdirSync(intoDir ? target : dirname(target), { recursive: true });
        // Like COPY: a folder's contents (not the folder) land at the destination; symlinks stay links.
        cpSync(origin, destination, { recursive: true, verbatimSymlinks: true, force: true });
      }
    } else if (op === 'RUN') {
      const command = args;
      log(`  ${stage.name}: RUN ${command.replace(/\s+/g, ' ').slice(0, 110)}`);
      const result = spawnSync('sh', ['-c', command], {
        cwd: path('.'),
        env: { ...process.env, ...stage.env, HOME: process.env.HOME ?? '/root' },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.status !== 0) {
        const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
        throw new Failure(`${where}: exited with ${result.status}\n${output}`);
      }
    }
    // LABEL, EXPOSE, USER, ENTRYPOINT, CMD change no file; they are checked on the assembled stages.
  }
  for (const [name, built] of stages) {
    const fromContextOnly = !instructionsOf(instructions, name).some(
      (i) => i.op === 'COPY' && /--from=/.test(i.args),
    );
    if (fromContextOnly) layerCache.set(name, built);
  }
  return stages;
}

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
        const stages = replay(image, context, join(work, image.package.replace('/', '-')), log);
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
