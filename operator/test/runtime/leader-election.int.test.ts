import { randomBytes } from 'node:crypto';
import { createTestNamespace, type TestNamespace } from '@quire/dev';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseSpec } from '../../src/runtime/leader-election.js';
import { kinds, resourcePath } from '../../src/runtime/resource-kind.js';
import { OperatorProcess } from './fixtures/operator-process.js';
import { countedClient, managedLabels, sleep, until } from './fixtures/runtime-fixtures.js';

// controller-runtime's defaults, which the operator uses too.
const leaseDurationMs = 15_000;
const retryPeriodMs = 2_000;

describe('two operator processes with leader election', () => {
  const { client } = countedClient();
  let ns: TestNamespace;
  let processes: OperatorProcess[] = [];
  let leaseName = '';

  beforeAll(async () => {
    ns = await createTestNamespace('runtime-elect');
  });
  afterEach(async () => {
    for (const p of processes) p.signal('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    processes = [];
  });
  afterAll(async () => {
    await ns?.dispose();
  });

  /** Starts two operator processes at the same moment, and says which one leads. */
  async function startPair(): Promise<{ leader: OperatorProcess; follower: OperatorProcess }> {
    leaseName = `runtime-test-${randomBytes(3).toString('hex')}`;
    const env = {
      QUIRE_LEADER_ELECT: 'true',
      QUIRE_LEADER_ELECTION_NAMESPACE: ns.name,
      QUIRE_LEADER_ELECTION_ID: leaseName,
      QUIRE_WATCH_NAMESPACES: ns.name,
      QUIRE_METRICS_BIND_ADDRESS: '127.0.0.1:0',
      QUIRE_HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:0',
    };
    processes = [new OperatorProcess('first', env), new OperatorProcess('second', env)];
    await Promise.all(processes.map((p) => p.line('Started the manager')));
    await until('one process to lead', () => processes.some((p) => p.has('Acquired the lease')));
    const leader = processes.find((p) => p.has('Acquired the lease')) as OperatorProcess;
    const follower = processes.find((p) => p !== leader) as OperatorProcess;
    return { leader, follower };
  }

  const write = (name: string, value: string) =>
    client.request('PATCH', resourcePath(kinds.configMap, { namespace: ns.name, name }), {
      query: { fieldManager: 'test', force: true },
      contentType: 'application/apply-patch+yaml',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns.name, labels: managedLabels },
        data: { value },
      },
    });
  const readLease = () =>
    client.request<{ spec?: LeaseSpec }>(
      'GET',
      resourcePath(kinds.lease, { namespace: ns.name, name: leaseName }),
    );

  it('lets exactly one of two processes reconcile', async () => {
    const { leader, follower } = await startPair();
    await Promise.all(Array.from({ length: 5 }, (_, i) => write(`one-${i}`, 'v1')));
    await until(
      'the leader to reconcile all five',
      () => leader.reconciled().filter((r) => r.startsWith('one-')).length >= 5,
    );
    await sleep(2 * retryPeriodMs);
    expect(follower.reconciled()).toEqual([]);
    expect(follower.has('Acquired the lease')).toBe(false);
    expect(await leader.metric('leader_election_master_status')).toBe(1);
    expect(await follower.metric('leader_election_master_status')).toBe(0);
    expect((await readLease()).spec?.holderIdentity).toBe(leader.identity);
  });

  it('hands over to the other process within the lease duration when the leader is killed', async () => {
    const { leader, follower } = await startPair();
    // Let the follower watch a few renewals, as it would in a long-running pair.
    await sleep(3 * retryPeriodMs);
    leader.signal('SIGKILL');
    const killedAt = Date.now();
    const acquired = await follower.line('Acquired the lease', leaseDurationMs + 10_000);
    const handover = Date.parse(acquired.time) - killedAt;
    console.info(`handover after SIGKILL took ${handover} ms (lease duration ${leaseDurationMs} ms)`);
    expect(handover).toBeLessThanOrEqual(leaseDurationMs + 250);
    await write('after-kill', 'v2');
    await until('the new leader to reconcile', () => follower.reconciled().includes('after-kill=v2'));
  });

  it('releases the lease at once on SIGTERM, exits 0, and the other process takes over within a retry period', async () => {
    const { leader, follower } = await startPair();
    await sleep(retryPeriodMs);
    const signalledAt = Date.now();
    leader.signal('SIGTERM');
    const { code } = await leader.exited;
    const exitedAt = Date.now();
    expect(code).toBe(0);
    expect(leader.has('Released the lease')).toBe(true);
    const holder = (await readLease()).spec?.holderIdentity ?? '';
    expect(['', follower.identity]).toContain(holder);
    const acquired = await follower.line('Acquired the lease', leaseDurationMs);
    const takeover = Date.parse(acquired.time) - signalledAt;
    console.info(`SIGTERM → exit in ${exitedAt - signalledAt} ms; takeover in ${takeover} ms`);
    expect(takeover).toBeLessThanOrEqual(retryPeriodMs + 1_000);
  });
});
