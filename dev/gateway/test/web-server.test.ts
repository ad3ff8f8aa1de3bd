import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webServerBlock } from '../web-server.js';

const imageConf = readFileSync(resolve(import.meta.dirname, '../../../clients/web/nginx.conf'), 'utf8');

describe("the web app's server in the local gateway", () => {
  it("is the image's nginx.conf with only its address and its files' folder changed", () => {
    const block = webServerBlock(imageConf, '127.0.0.1:14002', '/repo/clients/web/dist');
    expect(block).toContain('listen 127.0.0.1:14002;');
    expect(block).toContain('root /repo/clients/web/dist;');
    expect(block).not.toMatch(/listen 8080/);
    expect(block).not.toContain('/usr/share/nginx/html');
    const unchanged = (text: string) =>
      text
        .split('\n')
        .filter((l) => !/^\s*(listen|root) /.test(l) && l.trim() !== '')
        .map((l) => l.trim());
    expect(unchanged(block)).toEqual(unchanged(imageConf));
  });

  it('says what to update when nginx.conf no longer has what it replaces', () => {
    expect(() => webServerBlock(imageConf.replace('listen 8080;', 'listen 9090;'), 'a:1', '/r')).toThrow(
      /no longer has "listen 8080;".*dev\/gateway\/web-server.ts/,
    );
  });
});
