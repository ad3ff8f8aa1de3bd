/**
 * A small Dockerfile interpreter, so an image recipe is checked where Docker is not: each stage gets
 * a folder standing for its filesystem, ARG and ENV become the environment, WORKDIR and COPY (from the
 * build context, which honours .dockerignore, or from an earlier stage) copy files, and RUN runs its
 * command with `sh -c` exactly as written. Base image contents (Node.js, npm) come from this machine.
 * dockerfile-stages.ts replays the services' Dockerfile with it, web-image.ts the web app's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Instruction {
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

/** Copies the build context (the work tree's files, less .dockerignore) into `target`; answers the count. */
export function buildContext(target: string): number {
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

export interface Stage {
  name: string;
  dir: string;
  workdir: string;
  env: Record<string, string>;
  /** The instructions run in `dir` so far, as Docker's layer cache would key them. */
  layers: string[];
}

/** A replay that went wrong, with the Dockerfile line and what happened. */
export class Failure extends Error {}

/** The instructions of one stage (after its FROM, up to the next). */
export function instructionsOf(instructions: Instruction[], name: string): Instruction[] {
  const start = instructions.findIndex(
    (i) => i.op === 'FROM' && new RegExp(`\\bAS\\s+${name}$`, 'i').test(i.args),
  );
  if (start < 0) return [];
  const end = instructions.findIndex((i, index) => index > start && i.op === 'FROM');
  return instructions.slice(start + 1, end < 0 ? undefined : end);
}

export interface ReplayOptions {
  /** The Dockerfile, relative to the repository root. */
  dockerfile: string;
  /** `--build-arg`s, overriding the ARG defaults. */
  buildArgs: Record<string, string>;
  /** The build context's copy (buildContext). */
  context: string;
  /** Where the stages' folders go. */
  work: string;
  log: (line: string) => void;
  /**
   * Docker's layer cache, for stages built from the context alone, kept between replays: an
   * instruction identical to the one already run at the same position is skipped.
   */
  layerCache?: Map<string, Stage>;
  /** Added to every RUN's environment, as a build's cache mounts would be (never changes a command). */
  runEnv?: Record<string, string>;
}

/** Runs a Dockerfile's stages; answers the stages' folders by name (unnamed ones `stage<N>`). */
export function replay(options: ReplayOptions): Map<string, Stage> {
  const { buildArgs, context, work, log, layerCache = new Map<string, Stage>(), runEnv = {} } = options;
  const instructions = parseDockerfile(readFileSync(join(root, options.dockerfile), 'utf8'));
  const stages = new Map<string, Stage>();
  let stage: Stage | undefined;
  let reusing = false;
  // The host's Node.js and npm stand in for the base image's.
  const basePath = `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`;
  for (const { op, args, line } of instructions) {
    const where = `${options.dockerfile}:${line} ${op} ${args.slice(0, 80)}`;
    if (op === 'ARG') {
      const [name, value = ''] = args.split('=', 2) as [string, string?];
      const resolved = buildArgs[name] ?? value.replace(/^"(.*)"$/, '$1');
      if (stage) stage.env[name] = resolved;
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
      const t0 = Date.now();
      const result = spawnSync('sh', ['-c', command], {
        cwd: path('.'),
        env: { ...process.env, ...runEnv, ...stage.env, HOME: process.env.HOME ?? '/root' },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.status !== 0) {
        const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
        throw new Failure(`${where}: exited with ${result.status}\n${output}`);
      }
      const took = ((Date.now() - t0) / 1000).toFixed(1);
      log(`  ${stage.name}: RUN ${command.replace(/\s+/g, ' ').slice(0, 110)} (${took} s)`);
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
