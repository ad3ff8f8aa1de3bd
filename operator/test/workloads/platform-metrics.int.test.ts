// quire_platform_condition on the operator's real /metrics endpoint: it follows the conditions the
// operator writes to a real Platform (Ready, then ReconciliationPaused when paused), and the
// Platform's series are gone once the Platform is deleted.
import { type TestNamespace, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformKind } from '../../src/render/kinds.js';
import { resourcePath } from '../../src/runtime/resource-kind.js';
import type { Status } from '../../src/runtime/status-writer.js';
import {
  applyPlatform,
  client,
  getObject,
  operatedNamespace,
  patchPlatformSpec,
  type startTestOperator,
  waitForCondition,
} from './operator-fixtures.js';

type Operator = Awaited<ReturnType<typeof startTestOperator>>;

/** The Platform's quire_platform_condition series from /metrics, as `type/status` → value. */
async function scrapeConditions(operator: Operator, namespace: string): Promise<Record<string, number>> {
  const response = await fetch(`http://127.0.0.1:${operator.manager.metricsPort}/metrics`);
  const text = await response.text();
  const series: Record<string, number> = {};
  const line =
    /^quire_platform_condition\{namespace="([^"]*)",platform="quire",type="([^"]*)",status="([^"]*)"\} (\S+)$/;
  for (const match of text.split('\n').map((l) => line.exec(l))) {
    if (match && match[1] === namespace) series[`${match[2]}/${match[3]}`] = Number(match[4]);
  }
  return series;
}

/** What the metric must say for the Platform's stored conditions. */
async function expectedFromStatus(namespace: string): Promise<Record<string, number>> {
  const platform = await getObject(platformKind, namespace, 'quire');
  const conditions = (platform?.status as Status | undefined)?.conditions ?? [];
  return Object.fromEntries(
    conditions.flatMap((c) =>
      ['True', 'False', 'Unknown'].map((status) => [`${c.type}/${status}`, c.status === status ? 1 : 0]),
    ),
  );
}

/** Waits until a scrape agrees with the stored status, and returns that scrape. */
function metricMatchesStatus(operator: Operator, namespace: string): Promise<Record<string, number>> {
  let last: Record<string, number> = {};
  return waitFor(
    'quire_platform_condition to match the stored conditions',
    async () => {
      last = await scrapeConditions(operator, namespace);
      const expected = await expectedFromStatus(namespace);
      return JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(expected).sort())
        ? last
        : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100, describe: async () => JSON.stringify(last) },
  );
}

describe('the Platform condition metric on /metrics', () => {
  let ns: TestNamespace;
  let operator: Operator;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ ns, operator, close } = await operatedNamespace('metrics'));
  });
  afterAll(async () => {
    await close?.();
  });

  it('reports each condition the operator wrote, follows a pause, and drops the Platform once it is deleted', async () => {
    await applyPlatform(ns.name);
    await waitForCondition(ns.name, 'quire', 'Ready', 'True');
    const ready = await metricMatchesStatus(operator, ns.name);
    expect(ready).toMatchObject({
      'Ready/True': 1,
      'Ready/False': 0,
      'Ready/Unknown': 0,
      'Stalled/True': 0,
      'WorkloadsReady/True': 1,
      'CertificatesReady/True': 1,
      'TopicsReady/True': 1,
      'SchemasReady/True': 1,
      'ReconciliationPaused/False': 1,
    });

    await patchPlatformSpec(ns.name, 'quire', { paused: true });
    await waitForCondition(ns.name, 'quire', 'ReconciliationPaused', 'True');
    expect(await metricMatchesStatus(operator, ns.name)).toMatchObject({
      'ReconciliationPaused/True': 1,
      'ReconciliationPaused/False': 0,
    });
    await patchPlatformSpec(ns.name, 'quire', { paused: false });
    await waitForCondition(ns.name, 'quire', 'ReconciliationPaused', 'False');

    await client.request('DELETE', resourcePath(platformKind, { namespace: ns.name, name: 'quire' }));
    await waitFor(
      'the Platform to be deleted',
      async () => ((await getObject(platformKind, ns.name, 'quire')) ? undefined : true),
      { timeoutMs: 60_000 },
    );
    await waitFor(
      'the Platform series to leave /metrics',
      async () => (Object.keys(await scrapeConditions(operator, ns.name)).length === 0 ? true : undefined),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  });
});
