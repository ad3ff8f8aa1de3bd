/**
 * The web app's image (clients/web/Dockerfile) checked without Docker. Its stages are replayed in a
 * scratch copy of the build context (dockerfile-replay.ts): the build stage installs the web
 * workspace alone and runs the Vite build, so its COPY list and install command are proven enough.
 * Then the assembled nginx stage: its configuration passes `nginx -t` with this machine's nginx,
 * loaded from conf.d as the image loads it, and, served on a free loopback port, answers the app at
 * `/`, a deep link with the app (the SPA fallback), an asset with a long cache, a missing asset and
 * a stray API path with 404 rather than the page, and the health path the operator's probes use.
 *
 *   node dev/delivery/web-image.ts [--keep]
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webServerBlock } from '../gateway/web-server.ts';
import { buildContext, Failure, parseDockerfile, replay, root, type Stage } from './dockerfile-replay.ts';
import {
  exposedPorts,
  imageConfPath,
  inlineCodeIn,
  listenPortOf,
  rootOf,
  wrapperConfig,
} from './web-nginx.ts';

const dockerfile = 'clients/web/Dockerfile';
/** The operator's probe path for the web Deployment (operator/src/render/web-deployment.ts). */
const healthPath = '/healthz';

function nginxBinary(): string {
  const found = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (!found) throw new Failure('nginx is missing: apt-get install -y nginx-light (.ci/run installs it)');
  return found;
}

/** A free loopback port (released again; nginx takes it a moment later). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

/** `nginx -t` on the image's configuration, unchanged, included as the image includes it. */
function testConfig(nginx: string, runtime: Stage, dir: string): void {
  const conf = join(dir, 'nginx-t.conf');
  writeFileSync(
    conf,
    wrapperConfig({ dir, mimeTypes: '/etc/nginx/mime.types', include: join(runtime.dir, imageConfPath) }),
  );
  const result = spawnSync(nginx, ['-t', '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', conf], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Failure(`nginx -t rejected ${imageConfPath}:\n${result.stderr.trim()}`);
}

interface Probe {
  path: string;
  status: number;
  type?: RegExp;
  headers?: Record<string, RegExp>;
  body?: Buffer;
  why: string;
}

/** What the browser and the kubelet ask of the server, and what each must get. */
function probesOf(index: Buffer, asset: { name: string; bytes: Buffer }): Probe[] {
  const page = {
    status: 200,
    type: /^text\/html/,
    body: index,
    headers: {
      'cache-control': /^no-cache$/,
      'content-security-policy': /default-src 'self'/,
      'x-content-type-options': /^nosniff$/,
    },
  };
  return [
    { path: '/', ...page, why: 'the app, revalidated on every load, with its security headers' },
    { path: '/documents', ...page, why: 'a deep link gets the app (try_files falls back to /index.html)' },
    {
      path: `/assets/${asset.name}`,
      status: 200,
      type: /javascript/,
      headers: { 'cache-control': /immutable/, 'x-content-type-options': /^nosniff$/ },
      body: asset.bytes,
      why: 'a hashed asset, cached for a year',
    },
    {
      path: '/assets/missing-0000.js',
      status: 404,
      why: 'a missing asset is a 404, not the page (which the browser would run as a script)',
    },
    {
      path: '/v1/no-such-route',
      status: 404,
      type: /^application\/problem\+json/,
      why: 'an API path no gateway route took is a problem, not the page',
    },
    { path: healthPath, status: 200, body: Buffer.from('ok\n'), why: "the operator's probes' path" },
  ];
}

async function check(url: string, probe: Probe): Promise<string[]> {
  const res = await fetch(`${url}${probe.path}`, { redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  const problems: string[] = [];
  if (res.status !== probe.status) problems.push(`status ${res.status}, wanted ${probe.status}`);
  const type = res.headers.get('content-type') ?? '';
  if (probe.type && !probe.type.test(type)) problems.push(`content-type "${type}", wanted ${probe.type}`);
  for (const [name, wanted] of Object.entries(probe.headers ?? {})) {
    const value = res.headers.get(name);
    if (value === null || !wanted.test(value))
      problems.push(`${name} "${value ?? '(none)'}", wanted ${wanted}`);
  }
  if (probe.body && !body.equals(probe.body))
    problems.push(`a body of ${body.length} bytes unlike the file's`);
  return problems.map((p) => `GET ${probe.path}: ${p} (${probe.why})`);
}

/** Serves the assembled image's files with its configuration, runs the probes, stops nginx. */
async function serve(nginx: string, runtime: Stage, dir: string, log: (s: string) => void): Promise<void> {
  const served = readFileSync(join(runtime.dir, imageConfPath), 'utf8');
  const html = join(runtime.dir, rootOf(served));
  const port = await freePort();
  const server = join(dir, 'default.conf');
  // The same copy `make up` serves: only the address and the files' folder change.
  writeFileSync(server, webServerBlock(served, `127.0.0.1:${port}`, html));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, wrapperConfig({ dir, mimeTypes: '/etc/nginx/mime.types', include: server }));
  const child = spawn(
    nginx,
    ['-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', conf, '-g', 'daemon off;'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  try {
    // Up once it answers, or failed once it exits; nginx starts in milliseconds.
    const deadline = Date.now() + 5_000;
    for (;;) {
      const up = await fetch(`${url}${healthPath}`).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
        throw new Failure(`nginx did not start serving ${url}:\n${`${stderr}\n${log}`.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const index = readFileSync(join(html, 'index.html'));
    const script = readdirSync(join(html, 'assets')).find((f) => f.endsWith('.js'));
    if (!script) throw new Failure(`the build has no script in ${rootOf(served)}/assets`);
    const asset = { name: script, bytes: readFileSync(join(html, 'assets', script)) };
    const probes = probesOf(index, asset);
    const problems = (await Promise.all(probes.map((p) => check(url, p)))).flat();
    if (problems.length > 0) throw new Failure(problems.join('\n'));
    for (const p of probes) log(`  GET ${p.path} → ${p.status}: ${p.why}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Checks what the Dockerfile, nginx.conf and the built page must agree on. */
function consistency(runtime: Stage): string[] {
  const conf = readFileSync(join(runtime.dir, imageConfPath), 'utf8');
  const port = listenPortOf(conf);
  const exposed = exposedPorts(parseDockerfile(readFileSync(join(root, dockerfile), 'utf8')));
  const problems: string[] = [];
  if (!exposed.includes(port)) {
    problems.push(
      `nginx.conf listens on ${port} but ${dockerfile} EXPOSEs ${exposed.join(', ') || 'nothing'}`,
    );
  }
  const index = join(runtime.dir, rootOf(conf), 'index.html');
  if (!existsSync(index))
    problems.push(`the image has no ${rootOf(conf)}/index.html, which nginx.conf serves`);
  else {
    for (const found of inlineCodeIn(readFileSync(index, 'utf8'))) {
      problems.push(`index.html has ${found}, which nginx.conf's Content-Security-Policy blocks`);
    }
  }
  return problems;
}

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes('--keep');
  const log = (s: string) => console.log(s);
  const work = mkdtempSync(join(tmpdir(), 'quire-web-image-'));
  // nginx's workers run as an unprivileged user when the check runs as root: they read the files here.
  chmodSync(work, 0o755);
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  try {
    const nginx = nginxBinary();
    const context = join(work, 'context');
    log(`Build context: ${buildContext(context)} files after .dockerignore`);
    const stages = replay({
      dockerfile,
      buildArgs: {},
      context,
      work,
      log,
      // As a build's npm cache mount: packages already in ~/.npm are not asked for again.
      runEnv: { npm_config_prefer_offline: 'true' },
    });
    const runtime = [...stages.values()].at(-1);
    if (!runtime) throw new Failure(`${dockerfile} has no stage`);
    log(`ok every COPY source exists and every RUN succeeded (${seconds()})`);
    const problems = consistency(runtime);
    if (problems.length > 0) throw new Failure(problems.join('\n'));
    log(`ok nginx.conf's port is EXPOSEd; index.html has nothing inline the Content-Security-Policy blocks`);
    const dir = join(work, 'nginx');
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    testConfig(nginx, runtime, dir);
    log(`ok nginx -t accepts ${imageConfPath} as the image includes it`);
    await serve(nginx, runtime, dir, log);
    log(`ok the assembled image's files served with its nginx.conf answer as above (${seconds()})`);
    return 0;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    console.error(`FAILED ${dockerfile}: ${error.message}`);
    return 1;
  } finally {
    if (keep) log(`Kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(await main(process.argv.slice(2)));
