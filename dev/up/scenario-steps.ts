/**
 * The scenario's steps, in the order a user meets the platform. Each returns one line saying what
 * happened and records what later steps (and the e2e test) need in `facts`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GatewayClient, MeshClient, poll } from './api-client.ts';
import type { UpState } from './settings.ts';

export interface Tokens {
  accountId: string;
  accessToken: string;
  refreshToken: string;
}

/** What the steps learned; the e2e test asserts on it. */
export interface Facts {
  run: string;
  /** The loopback address this run's requests leave from, which Auth should see as the client's. */
  clientAddress: string;
  alice?: Tokens & { email: string };
  bob?: Tokens & { email: string };
  aliceRoles?: string[];
  document?: { id: string; sha256: string; size: number; content: string; word: string; traceparent: string };
  searchHit?: { id: string; afterMs: number };
  bobDownloadSha256?: string;
  notification?: { kind: string; title: string };
  exportNotification?: { kind: string; title: string };
  audit?: { actions: string[]; valid: boolean; checked: number };
  /** Who read the audit trail: the Platform's first admin, and the actor of its admin role. */
  admin?: { email: string; accountId: string; roles: string[]; grantedBy?: string };
  /** The client address Auth recorded for alice's login (its auth.logged_in event). */
  aliceLoginAddress?: string;
  trace?: { traceId: string; services: string[]; spans: { service: string; name: string; kind: number }[] };
  export?: { id: string; status: string; files?: Record<string, string> };
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface StepContext {
  readonly state: UpState;
  readonly gateway: GatewayClient;
  readonly facts: Facts;
  /**
   * The client for a path: the gateway when it routes the path, else the service itself over mTLS
   * with the gateway's certificate (for a service the gateway does not route); `via` says which.
   */
  route(service: string, path: string): { client: GatewayClient | MeshClient; via: string };
}

/**
 * A loopback address of the run's own (127.x.y.z, never 127.0.0.1). On one machine every client is
 * 127.0.0.1, so Auth, counting login attempts per client address, would put every run, test and
 * browser in one window; a run that leaves from an address of its own is one client among many, as
 * a user on their own machine is, and shows that Auth gets the address from the gateway.
 */
function runAddress(): string {
  const [a = 1, b = 0, c = 1] = randomBytes(3);
  return `127.${1 + (a % 254)}.${b}.${1 + (c % 254)}`;
}

export function newContext(state: UpState): StepContext {
  const clientAddress = runAddress();
  return {
    state,
    gateway: new GatewayClient(state.gatewayUrl, clientAddress),
    facts: { run: randomBytes(3).toString('hex'), clientAddress },
    route(service, path) {
      const gateway = new GatewayClient(state.gatewayUrl, clientAddress);
      if (state.gatewayPrefixes.some((p) => path === p || path.startsWith(`${p}/`))) {
        return { client: gateway, via: 'through the gateway' };
      }
      const s = state.services[service];
      if (!s) throw new Error(`No service ${service}`);
      return {
        client: new MeshClient(state.gatewayTlsDir, s.api, s.host),
        via: `direct mTLS: no gateway route for ${path}`,
      };
    },
  };
}

/** The value an earlier step recorded, or an error naming what is missing. */
export const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`needs ${what} from an earlier step`);
  return value;
};

export async function signUp(c: StepContext): Promise<string> {
  for (const who of ['alice', 'bob'] as const) {
    const email = `${who}-${c.facts.run}@example.com`;
    const r = await c.gateway.call<Tokens>('POST', '/v1/auth/signup', {
      json: { email, password: `correct horse ${who} battery` },
    });
    c.facts[who] = { ...r.body, email };
  }
  return `alice ${c.facts.alice?.email} and bob ${c.facts.bob?.email} (201, tokens issued)`;
}

export async function logIn(c: StepContext): Promise<string> {
  const alice = need(c.facts.alice, 'alice');
  const r = await c.gateway.call<Tokens>('POST', '/v1/auth/login', {
    json: { email: alice.email, password: 'correct horse alice battery' },
  });
  c.facts.alice = { ...alice, ...r.body };
  const session = await c.gateway.call<{ roles: string[] }>('GET', '/v1/auth/session', {
    token: r.body.accessToken,
  });
  c.facts.aliceRoles = session.body.roles;
  return `alice logged in; ES256 token verified by auth, roles [${session.body.roles.join(', ')}]`;
}

export async function profile(c: StepContext): Promise<string> {
  const alice = need(c.facts.alice, 'alice');
  const created = await c.gateway.call<{ id: string; displayName: string }>('POST', '/v1/users', {
    token: alice.accessToken,
    json: { displayName: 'Alice', email: alice.email },
  });
  const read = await c.gateway.call<{ displayName: string }>('GET', `/v1/users/${created.body.id}`, {
    token: alice.accessToken,
  });
  return `alice's profile "${read.body.displayName}" created and read back (ETag ${read.headers.get('etag')})`;
}

export async function upload(c: StepContext): Promise<string> {
  const alice = need(c.facts.alice, 'alice');
  const word = `quokka${c.facts.run}`;
  const content = `Field notes ${c.facts.run}\nThe ${word} was seen near the river at dawn.\n`;
  const digest = sha256(content);
  const query = new URLSearchParams({
    title: `Field notes ${c.facts.run}`,
    tags: 'demo,notes',
    sha256: digest,
  });
  const r = await c.gateway.call<{ id: string; size: number; version: number }>(
    'POST',
    `/v1/documents?${query}`,
    {
      token: alice.accessToken,
      body: Buffer.from(content),
      contentType: 'text/plain; charset=utf-8',
    },
  );
  const traceparent = r.headers.get('traceresponse') ?? '';
  c.facts.document = { id: r.body.id, sha256: digest, size: r.body.size, content, word, traceparent };
  return `document ${r.body.id} (${r.body.size} bytes, sha256 ${digest.slice(0, 12)}…, version ${r.body.version}); trace ${traceparent.split('-')[1] ?? '-'}`;
}

export async function search(c: StepContext): Promise<string> {
  const doc = need(c.facts.document, 'the document');
  const alice = need(c.facts.alice, 'alice');
  const started = Date.now();
  const hit = await poll(
    `search for "${doc.word}" to find ${doc.id}`,
    async () => {
      const r = await c.gateway.call<{ items: { id: string; score?: number }[] }>(
        'GET',
        `/v1/search?q=${doc.word}`,
        { token: alice.accessToken },
      );
      return r.body.items.find((i) => i.id === doc.id);
    },
    30_000,
  );
  c.facts.searchHit = { id: hit.id, afterMs: Date.now() - started };
  return `"${doc.word}" found ${hit.id} after ${((Date.now() - started) / 1000).toFixed(1)}s (indexed from quire.document.events)`;
}

export async function share(c: StepContext): Promise<string> {
  const [doc, alice, bob] = [
    need(c.facts.document, 'the document'),
    need(c.facts.alice, 'alice'),
    need(c.facts.bob, 'bob'),
  ];
  await c.gateway.call('PUT', `/v1/documents/${doc.id}/shares/${bob.accountId}`, {
    token: alice.accessToken,
    json: { permission: 'read' },
  });
  const r = await c.gateway.call('GET', `/v1/documents/${doc.id}/content`, {
    token: bob.accessToken,
    headers: { accept: '*/*' },
  });
  c.facts.bobDownloadSha256 = sha256(r.bytes);
  if (c.facts.bobDownloadSha256 !== doc.sha256)
    throw new Error('bob downloaded different bytes than alice uploaded');
  return `shared with bob for reading; bob downloaded the same ${r.bytes.length} bytes`;
}
