/**
 * `quire docs trash`: the caller's deleted documents that can still be restored (Document's GET
 * /v1/documents/deleted), newest deletion first, a page at a time, each with the time left before the
 * cleanup may remove its content; `quire docs restore <id>` brings one back. Admins may name an owner.
 */
import type { Command } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import type { DocumentView } from '../api/transfer.js';
import { parsePositiveInt } from '../arguments.js';
import { UsageError } from '../errors.js';
import { withExamples } from '../help.js';
import { humanBytes, type OutputFormat, outputOption, printView, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { serverOption } from './account.js';

/** A deleted document as the trash lists it: when it was deleted, and until when it can be restored. */
export interface DeletedDocumentView extends DocumentView {
  deletedAt: string;
  restorableUntil: string;
}

/** The `-o json` shape of `quire docs trash`: one page, as the API returns it. */
export interface DeletedDocumentPage {
  items: DeletedDocumentView[];
  nextCursor?: string;
}

interface TrashOptions {
  server?: string;
  owner?: string;
  limit: number;
  cursor?: string;
  output: OutputFormat;
}

/** The trash as a table, with how to restore and the command that fetches the next page under it. */
export function trashTable(page: DeletedDocumentPage, now = Date.now()): string {
  if (page.items.length === 0) return 'No deleted documents that can be restored';
  const table = renderTable(
    ['ID', 'TITLE', 'SIZE', 'DELETED', 'RESTORABLE'],
    page.items.map((d) => [
      d.id,
      d.title,
      humanBytes(d.size),
      relativeTime(d.deletedAt, now),
      `until ${d.restorableUntil} (${relativeTime(d.restorableUntil, now)})`,
    ]),
  );
  const lines = [table, '', 'Restore one: quire docs restore <id>'];
  if (page.nextCursor) lines.push(`More: quire docs trash --cursor ${page.nextCursor}`);
  return lines.join('\n');
}

async function runTrash(options: TrashOptions): Promise<void> {
  if (options.limit > 100) throw new UsageError('--limit is at most 100', 'Page with --cursor instead');
  const client = new ServiceClient(resolveServer(options.server));
  const page = await client.json<DeletedDocumentPage>('GET', '/v1/documents/deleted', {
    query: { owner: options.owner, limit: options.limit, cursor: options.cursor },
  });
  printView(options.output, page, (p) => trashTable(p));
}

/** Registers `trash` under the docs command. */
export function addTrashCommand(docs: Command): void {
  const trash = serverOption(
    docs
      .command('trash')
      .description(
        'List your deleted documents that can still be restored, newest deletion first, with the time left',
      ),
  )
    .option('--owner <account-id>', 'another user’s deleted documents (admins only)')
    .option('--limit <n>', 'documents per page (1-100)', parsePositiveInt, 20)
    .option('--cursor <cursor>', 'the page after this cursor (printed under each page)')
    .addOption(outputOption())
    .action(runTrash);
  withExamples(trash, [
    ['quire docs trash', 'what you deleted and can still bring back'],
    ['quire docs trash -o json | jq -r ".items[0].id"', 'the id of the last document you deleted'],
    ['quire docs restore 7d0c…', 'then bring one back'],
  ]);
}
