/**
 * `quire notifications`: the caller's notifications from the Notification service (GET
 * /v1/notifications), newest first; `--mark-read` marks the ones shown read (POST
 * /v1/notifications/:id/read) and prints them as they are now.
 */
import type { Command } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import { parsePositiveInt } from '../arguments.js';
import { UsageError } from '../errors.js';
import { withExamples } from '../help.js';
import { type OutputFormat, outputOption, printView, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { serverOption } from './account.js';

/** One notification, as the API returns it. */
export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt?: string;
}

/** The `-o json` shape of `quire notifications`: one page, as the API returns it. */
export interface NotificationPage {
  items: NotificationView[];
  nextCursor?: string;
}

interface NotificationOptions {
  server?: string;
  unread?: boolean;
  limit: number;
  cursor?: string;
  markRead?: boolean;
  output: OutputFormat;
}

function renderPage(page: NotificationPage): string {
  if (page.items.length === 0) return 'No notifications';
  const table = renderTable(
    ['', 'WHEN', 'KIND', 'TITLE'],
    page.items.map((n) => [n.readAt ? ' ' : '*', relativeTime(n.createdAt), n.kind, n.title]),
  );
  return page.nextCursor ? `${table}\n\nMore: add --cursor ${page.nextCursor}` : table;
}

async function runNotifications(options: NotificationOptions): Promise<void> {
  if (options.limit > 100) throw new UsageError('--limit is at most 100', 'Page with --cursor instead');
  const client = new ServiceClient(resolveServer(options.server));
  const page = await client.json<NotificationPage>('GET', '/v1/notifications', {
    query: {
      unread: options.unread ? 'true' : undefined,
      limit: options.limit,
      cursor: options.cursor,
    },
  });
  if (options.markRead) {
    const unread = page.items.filter((n) => !n.readAt);
    const read = await Promise.all(
      unread.map((n) =>
        client.json<NotificationView>('POST', `/v1/notifications/${encodeURIComponent(n.id)}/read`),
      ),
    );
    const byId = new Map(read.map((n) => [n.id, n]));
    page.items = page.items.map((n) => byId.get(n.id) ?? n);
    if (options.output === 'table') process.stderr.write(`Marked ${read.length} notification(s) read\n`);
  }
  printView(options.output, page, renderPage);
}

/** Registers notifications on `program`. */
export function addNotificationsCommand(program: Command): void {
  const command = serverOption(
    program
      .command('notifications')
      .description('Your notifications, newest first (* marks unread); --mark-read marks them read'),
  )
    .option('--unread', 'only notifications not read yet')
    .option('--limit <n>', 'notifications per page (1-100)', parsePositiveInt, 20)
    .option('--cursor <cursor>', 'the page after this cursor')
    .option('--mark-read', 'mark the notifications shown read')
    .addOption(outputOption())
    .action(runNotifications);
  withExamples(command, [
    ['quire notifications --unread', 'what you have not read yet'],
    ['quire notifications --unread --mark-read', 'read them and mark them read'],
    ['quire notifications -o json | jq -r ".items[].title"', 'the titles, for a script'],
  ]);
}
