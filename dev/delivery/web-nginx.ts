/**
 * The pure half of the web image's check (web-image.ts): the nginx configuration around
 * clients/web/nginx.conf as the image loads it, and what the Dockerfile and the built page must agree
 * on with it. (The copy served on this machine is dev/gateway/web-server.ts's, as `make up` serves it.)
 */
/** Where the image puts the web app's server block (nginx-unprivileged includes conf.d/*.conf). */
export const imageConfPath = '/etc/nginx/conf.d/default.conf';

/** The paths the wrapper configuration needs, all inside one scratch folder but `mimeTypes` and `include`. */
export interface WrapperPaths {
  /** A scratch folder for the pid, logs and temp files (nginx-unprivileged puts them in /tmp). */
  dir: string;
  /** nginx's MIME types table; the image uses its own copy of the same table. */
  mimeTypes: string;
  /** The server configuration(s) to include, as the image's http block includes conf.d/*.conf. */
  include: string;
}

/**
 * The main nginx configuration the image's own one amounts to for the web app: an http block with
 * the MIME types and the conf.d files, writable paths moved out of the system's folders. No `user`
 * directive, as in the image, which starts nginx as an unprivileged user.
 */
export function wrapperConfig(p: WrapperPaths): string {
  return `# Written by dev/delivery/web-image.ts for one check; the image's nginx.conf plays this part.
worker_processes 1;
pid ${p.dir}/nginx.pid;
error_log ${p.dir}/error.log warn;
events { worker_connections 64; }
http {
  include ${p.mimeTypes};
  default_type application/octet-stream;
  access_log ${p.dir}/access.log;
  client_body_temp_path ${p.dir}/tmp/body;
  proxy_temp_path ${p.dir}/tmp/proxy;
  fastcgi_temp_path ${p.dir}/tmp/fastcgi;
  uwsgi_temp_path ${p.dir}/tmp/uwsgi;
  scgi_temp_path ${p.dir}/tmp/scgi;
  sendfile on;
  include ${p.include};
}
`;
}

/** The single value of a directive that must appear exactly once, or an error naming what to change. */
function onlyDirective(conf: string, name: string): { value: string; text: string } {
  // A directive starts a line or follows a block's `{` or another directive's `;`.
  const found = [...conf.matchAll(new RegExp(`(?:^|[{;])[ \\t]*${name}[ \\t]+([^;#{}]+);`, 'gm'))];
  if (found.length !== 1) {
    throw new Error(
      `clients/web/nginx.conf has ${found.length} \`${name}\` directives; the web image's check reads exactly one (change web-nginx.ts if the file now needs more)`,
    );
  }
  const [text = '', value = ''] = found[0] ?? [];
  return { value: value.trim(), text };
}

/** The port nginx.conf listens on, which the Dockerfile must EXPOSE and the operator's probes reach. */
export function listenPortOf(conf: string): number {
  const { value } = onlyDirective(conf, 'listen');
  const port = Number(/(?:^|:)(\d+)(?:\s|$)/.exec(value)?.[1]);
  if (!Number.isInteger(port)) throw new Error(`clients/web/nginx.conf listens on "${value}": no port in it`);
  return port;
}

/** The folder nginx.conf serves, where the Dockerfile must copy the build. */
export const rootOf = (conf: string): string => onlyDirective(conf, 'root').value;

/** The ports a Dockerfile's last stage EXPOSEs (the stage the image is), from its parsed instructions. */
export function exposedPorts(instructions: ReadonlyArray<{ op: string; args: string }>): number[] {
  const last = instructions.map((i) => i.op).lastIndexOf('FROM');
  return instructions
    .slice(last + 1)
    .filter((i) => i.op === 'EXPOSE')
    .flatMap((i) => i.args.split(/\s+/))
    .map((p) => Number.parseInt(p, 10));
}

/**
 * What in a built index.html the Content-Security-Policy nginx.conf sends (no 'unsafe-inline') would
 * block: inline scripts, style elements and style attributes.
 */
export function inlineCodeIn(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (!/\bsrc\s*=/.test(m[1] ?? '') && (m[2] ?? '').trim() !== '') found.push('an inline <script>');
  }
  if (/<style\b/i.test(html)) found.push('a <style> element');
  if (/<[^>]+\sstyle\s*=/i.test(html)) found.push('a style="…" attribute');
  return found;
}
