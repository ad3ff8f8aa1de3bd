// The web image check's own logic: the nginx configuration it wraps and what it compares.

import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../dockerfile-replay.js';
import { exposedPorts, inlineCodeIn, listenPortOf, rootOf, wrapperConfig } from '../web-nginx.js';

const conf = `server {
  listen 8080;
  root /usr/share/nginx/html;
  # listen 9999; (a comment is not a directive)
  location / { try_files $uri /index.html; }
}
`;

describe("nginx.conf's directives the check relies on", () => {
  it('reads the port and root the image serves', () => {
    expect(listenPortOf(conf)).toBe(8080);
    expect(listenPortOf('  listen [::]:8443 ssl;\n')).toBe(8443);
    expect(rootOf(conf)).toBe('/usr/share/nginx/html');
  });

  it('refuses a configuration with two listen directives, naming the count and where to change the check', () => {
    expect(() => listenPortOf(`${conf}server { listen 8081; }\n`)).toThrow(
      /has 2 `listen` directives; .*change web-nginx.ts/,
    );
    expect(() => rootOf('server { listen 8080; }')).toThrow(/has 0 `root` directives/);
  });
});

describe('the wrapper configuration', () => {
  it('includes the server block as the image does, keeps writes in the scratch folder, and sets no user', () => {
    const text = wrapperConfig({
      dir: '/scratch',
      mimeTypes: '/etc/nginx/mime.types',
      include: '/img/conf.d/default.conf',
    });
    expect(text).toContain('include /img/conf.d/default.conf;');
    expect(text).toContain('pid /scratch/nginx.pid;');
    expect(text).toContain('client_body_temp_path /scratch/tmp/body;');
    expect(text).not.toMatch(/^\s*user\s/m);
  });
});

describe('what the Dockerfile and the built page must agree on', () => {
  it("reads the ports only the last stage EXPOSEs (the image's)", () => {
    const instructions = parseDockerfile(
      'FROM node AS build\nEXPOSE 3000\nFROM nginx\nEXPOSE 8080 9090/tcp\n',
    );
    expect(exposedPorts(instructions)).toEqual([8080, 9090]);
  });

  it('finds the inline code a self-only Content-Security-Policy blocks, and lets external files be', () => {
    const built =
      '<script type="module" crossorigin src="/assets/index-a1.js"></script><link rel="stylesheet" href="/assets/i.css">';
    expect(inlineCodeIn(built)).toEqual([]);
    expect(inlineCodeIn('<script>window.x = 1</script><style>p{}</style><div style="color:red">')).toEqual([
      'an inline <script>',
      'a <style> element',
      'a style="…" attribute',
    ]);
  });
});
