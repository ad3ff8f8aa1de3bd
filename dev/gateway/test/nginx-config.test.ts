import { describe, expect, it } from 'vitest';
import { type GatewayRoute, renderNginxConfig } from '../nginx-config.js';

const route = (prefixes: string[], address: string, serverName: string): GatewayRoute => ({
  source: `quire-local/${serverName.split('.')[0]}`,
  hostnames: ['localhost'],
  pathPrefixes: prefixes,
  backend: { address, serverName },
});

const render = (routes: GatewayRoute[]) =>
  renderNginxConfig({
    listen: '127.0.0.1:18000',
    platform: 'quire-local/quire',
    files: {
      dir: '/run/gw',
      cert: '/run/gw/tls/tls.crt',
      key: '/run/gw/tls/tls.key',
      ca: '/run/gw/tls/ca.crt',
    },
    routes,
  });

describe('the gateway configuration generated from HTTPRoutes', () => {
  it('matches a PathPrefix by whole segments: the prefix itself and what is below it, not /v1/authx', () => {
    const conf = render([route(['/v1/auth'], '127.0.0.1:18100', 'quire-auth.quire-local.svc')]);
    expect(conf).toContain('location = /v1/auth { proxy_pass https://backend_127_0_0_1_18100;');
    expect(conf).toContain('location ^~ /v1/auth/ { proxy_pass https://backend_127_0_0_1_18100;');
    expect(conf).not.toMatch(/location \/v1\/auth /);
  });

  it("proxies over mTLS with the gateway's certificate, verifying the backend's chain and its Service DNS name", () => {
    const conf = render([
      route(['/v1/documents', '/v1/exports'], '127.0.0.1:18102', 'quire-document.quire-local.svc'),
    ]);
    expect(conf).toContain('proxy_ssl_certificate /run/gw/tls/tls.crt;');
    expect(conf).toContain('proxy_ssl_certificate_key /run/gw/tls/tls.key;');
    expect(conf).toContain('proxy_ssl_trusted_certificate /run/gw/tls/ca.crt;');
    expect(conf).toContain('proxy_ssl_verify on;');
    expect(conf.match(/proxy_ssl_name quire-document\.quire-local\.svc;/g)).toHaveLength(4);
    expect(conf.match(/upstream backend_127_0_0_1_18102 /g)).toHaveLength(1);
  });

  it('starts a sampled W3C trace for requests without one and passes a valid one through', () => {
    const conf = render([route(['/v1/search'], '127.0.0.1:18104', 'quire-search.quire-local.svc')]);
    expect(conf).toContain('default "00-$request_id-$quire_gateway_span-01";');
    expect(conf).toContain('proxy_set_header traceparent $quire_traceparent;');
    expect(conf).toContain('add_header traceresponse $quire_traceparent always;');
  });

  it('answers unrouted paths with a problem+json 404 instead of reaching any service', () => {
    const conf = render([route(['/v1/users'], '127.0.0.1:18101', 'quire-user.quire-local.svc')]);
    expect(conf).toMatch(
      /location \/ \{ default_type application\/problem\+json; return 404 '\{"type":"about:blank"/,
    );
    expect(conf).toContain('listen 127.0.0.1:18000 default_server;');
  });

  it('sends a `/` route to a plain-HTTP backend and lets it answer every path no other route claims', () => {
    const conf = render([
      route(['/v1/documents'], '127.0.0.1:18102', 'quire-document.quire-local.svc'),
      {
        source: 'quire-local/quire-web',
        hostnames: ['localhost'],
        pathPrefixes: ['/'],
        backend: { address: '127.0.0.1:14002' },
      },
    ]);
    expect(conf).toContain('location / { proxy_pass http://backend_127_0_0_1_14002; }');
    expect(conf).not.toContain('The gateway has no route for this path');
    expect(conf).toContain('location ^~ /v1/documents/ { proxy_pass https://backend_127_0_0_1_18102;');
  });
});
