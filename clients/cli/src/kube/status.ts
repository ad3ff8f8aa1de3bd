/** `quire status` and `quire events`: reads of one Platform, printed in the format asked for. */
import type { OutputFormat } from '../output/format.js';
import { printView, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { connectKube, type KubeOptions } from './client.js';
import { findPlatform, resolvePlatformName } from './platform.js';
import { renderStatus, statusView } from './platform-view.js';

export interface ReadOptions extends KubeOptions {
  output: OutputFormat;
}

/** Prints the status of one Platform. */
export async function runStatus(name: string | undefined, options: ReadOptions): Promise<void> {
  const kube = await connectKube(options);
  const platform = await findPlatform(kube, name);
  printView(options.output, statusView(platform), (view) => renderStatus(view));
}

interface KubeEvent {
  metadata: { creationTimestamp?: string };
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  deprecatedLastTimestamp?: string;
  deprecatedCount?: number;
  type?: string;
  reason?: string;
  action?: string;
  note?: string;
  reportingController?: string;
}

/** The `-o json` shape of `quire events`. */
export interface EventsView {
  platform: string;
  items: Array<{
    time: string | undefined;
    type: string;
    reason: string;
    action: string;
    count: number;
    note: string;
    reportingController: string | undefined;
  }>;
}

const timeOf = (e: KubeEvent) =>
  e.series?.lastObservedTime ?? e.eventTime ?? e.deprecatedLastTimestamp ?? e.metadata.creationTimestamp;

/** Prints the Platform's most recent events, oldest first so the newest is nearest the prompt. */
export async function runEvents(
  name: string | undefined,
  options: ReadOptions & { limit: number; type?: string },
): Promise<void> {
  const kube = await connectKube(options);
  const resolved = await resolvePlatformName(kube, name);
  const selector = [`regarding.kind=Platform`, `regarding.name=${resolved}`];
  if (options.type) selector.push(`type=${options.type}`);
  const list = await kube.request<{ items: KubeEvent[] }>(
    'GET',
    `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(kube.namespace)}/events`,
    { query: { fieldSelector: selector.join(',') } },
  );
  const items = list.items
    .map((e) => ({
      time: timeOf(e),
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      action: e.action ?? '',
      count: e.series?.count ?? e.deprecatedCount ?? 1,
      note: e.note ?? '',
      reportingController: e.reportingController,
    }))
    .sort((a, b) => Date.parse(a.time ?? '') - Date.parse(b.time ?? ''))
    .slice(-options.limit);
  const view: EventsView = { platform: `${kube.namespace}/${resolved}`, items };
  printView(options.output, view, (v) =>
    v.items.length === 0
      ? `No events for Platform ${v.platform} (events expire after an hour by default)`
      : renderTable(
          ['LAST SEEN', 'TYPE', 'REASON', 'ACTION', 'COUNT', 'NOTE'],
          v.items.map((e) => [
            relativeTime(e.time),
            { text: e.type, colour: e.type === 'Warning' ? 'yellow' : 'reset' },
            e.reason,
            e.action,
            String(e.count),
            e.note,
          ]),
        ),
  );
}
