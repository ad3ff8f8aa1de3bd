/**
 * `quire export list`: the caller's exports (Document's GET /v1/exports), newest first, a page at a
 * time: those they requested and those of their documents; admins may name another user.
 */
import type { Command } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import { parsePositiveInt } from '../arguments.js';
import { UsageError } from '../errors.js';
import { withExamples } from '../help.js';
import { humanBytes, type OutputFormat, outputOption, printView, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { serverOption } from './account.js';
import type { ExportView } from './export.js';

/** The `-o json` shape of `quire export list`: one page, as the API returns it. */
export interface ExportPage {
  items: ExportView[];
  nextCursor?: string;
}

interface ListOptions {
  server?: string;
  user?: string;
  limit: number;
  cursor?: string;
  output: OutputFormat;
}

/** Exports as a table, with the command that fetches the next page under it. */
export function exportsTable(page: ExportPage): string {
  if (page.items.length === 0) return 'No exports';
  const table = renderTable(
    ['ID', 'STATUS', 'FORMAT', 'DOCUMENTS', 'SIZE', 'REQUESTED', 'LINK EXPIRES'],
    page.items.map((e) => [
      e.id,
      e.status,
      e.format,
      e.documentCount === undefined ? '-' : String(e.documentCount),
      e.archiveBytes === undefined ? '-' : humanBytes(e.archiveBytes),
      relativeTime(e.createdAt),
      e.status === 'completed' ? relativeTime(e.expiresAt) : '-',
    ]),
  );
  return page.nextCursor ? `${table}\n\nMore: quire export list --cursor ${page.nextCursor}` : table;
}

async function runList(options: ListOptions): Promise<void> {
  if (options.limit > 100) throw new UsageError('--limit is at most 100', 'Page with --cursor instead');
  const client = new ServiceClient(resolveServer(options.server));
  const page = await client.json<ExportPage>('GET', '/v1/exports', {
    query: { user: options.user, limit: options.limit, cursor: options.cursor },
  });
  printView(options.output, page, exportsTable);
}

/** Registers `list` under the export command. */
export function addExportListCommand(exportCommand: Command): void {
  const list = serverOption(
    exportCommand
      .command('list')
      .alias('ls')
      .description('List your exports, newest first: status, size and when the download link expires'),
  )
    .option('--user <account-id>', 'another user’s exports (admins only)')
    .option('--limit <n>', 'exports per page (1-100)', parsePositiveInt, 20)
    .option('--cursor <cursor>', 'the page after this cursor (printed under each page)')
    .addOption(outputOption())
    .action(runList);
  withExamples(list, [
    ['quire export list', 'your exports, newest first'],
    [
      'quire export list -o json | jq -r \'.items[] | select(.status == "completed") | .id\'',
      'the ids of the finished ones',
    ],
    ['quire export --id 3c2f…', 'then download a finished one'],
  ]);
}
