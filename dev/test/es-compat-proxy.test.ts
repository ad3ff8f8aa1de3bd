import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { plainMediaType, startEsCompatProxy } from '../stack/es-compat-proxy.js';

describe('the Elasticsearch-compatibility proxy', () => {
  it("rewrites the Elasticsearch client's versioned media types to the plain ones OpenSearch accepts", () => {
    expect(plainMediaType('application/vnd.elasticsearch+json; compatible-with=9')).toBe('application/json');
    expect(plainMediaType('application/vnd.elasticsearch+x-ndjson;compatible-with=8')).toBe(
      'application/x-ndjson',
    );
    expect(plainMediaType('application/json')).toBe('application/json');
  });

  it('forwards method, path and body, rewrites the request media types and marks every answer as Elasticsearch', async () => {
    let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"found":false}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const proxy = await startEsCompatProxy({
      target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    });
    try {
      const res = await fetch(`${proxy.url}/idx/_doc/1?refresh=true`, {
        method: 'PUT',
        headers: {
          accept: 'application/vnd.elasticsearch+json; compatible-with=9',
          'content-type': 'application/vnd.elasticsearch+json; compatible-with=9',
        },
        body: '{"a":1}',
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
      expect(await res.json()).toEqual({ found: false });
      expect(seen).toMatchObject({ method: 'PUT', url: '/idx/_doc/1?refresh=true', body: '{"a":1}' });
      expect(seen.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json' });
    } finally {
      await proxy.close();
      upstream.close();
    }
  });
});
