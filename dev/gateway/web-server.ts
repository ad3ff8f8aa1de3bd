/**
 * The web app's own nginx server, as its pod runs it: clients/web/nginx.conf (the file the image
 * copies to /etc/nginx/conf.d/default.conf) with only where it listens and where the files are
 * changed, served by the gateway's nginx as one more server. The gateway reaches it over plain HTTP
 * through its `/` route, as the cluster's gateway reaches the web Service, so the caching headers,
 * the Content-Security-Policy and the SPA fallback seen locally are the ones the pod sends.
 */
import { readFileSync } from 'node:fs';

/** The image's settings this replaces; a change to nginx.conf that drops one fails here, not silently. */
const imageListen = /^(\s*)listen 8080;$/m;
const imageRoot = /^(\s*)root \/usr\/share\/nginx\/html;$/m;

/** The server block of `nginxConf` (text), listening on `listen` (host:port) and serving `root`. */
export function webServerBlock(nginxConf: string, listen: string, root: string): string {
  for (const [name, pattern] of [
    ['listen 8080;', imageListen],
    ['root /usr/share/nginx/html;', imageRoot],
  ] as const) {
    if (!pattern.test(nginxConf)) {
      throw new Error(
        `clients/web/nginx.conf no longer has "${name}", which the local gateway replaces to serve the web app; update dev/gateway/web-server.ts with it`,
      );
    }
  }
  return nginxConf
    .replace(imageListen, `$1listen ${listen};`)
    .replace(imageRoot, `$1root ${root};`)
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

/** Reads the web app's nginx.conf and renders its server block. */
export function webServerFromFile(confPath: string, listen: string, root: string): string {
  return webServerBlock(readFileSync(confPath, 'utf8'), listen, root);
}
