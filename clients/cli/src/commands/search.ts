/** `quire search <query>`: full-text search over the documents you may read, through the Search API. */
import type { Command } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import { parsePositiveInt } from '../arguments.js';
import { withExamples } from '../help.js';
import { type OutputFormat, outputOption, printView, relativeTime } from '../output/format.js';
import { paint } from '../output/style.js';
import { renderTable } from '../output/table.js';
import { serverOption } from './account.js';

/** The `-o json` shape of `quire search`: one page, as the API returns it. */
export interface SearchPage {
  items: Array<{
    id: string;
    title: string;
    tags: string[];
    ownerId: string;
    contentType: string;
    size: number;
    createdAt: string;
    updatedAt: string;
    score?: number;
    highlights: Record<string, string[]>;
  }>;
  nextCursor?: string;
}

/** The best matching fragment, its <mark>s shown bold on a terminal and dropped elsewhere. */
function fragment(highlights: Record<string, string[]>): string {
  const first = highlights.text?.[0] ?? highlights.title?.[0] ?? Object.values(highlights)[0]?.[0];
  if (!first) return '-';
  return first.replace(/\s+/g, ' ').replace(/<mark>(.*?)<\/mark>/g, (_, word: string) => paint('bold', word));
}

function renderPage(page: SearchPage): string {
  if (page.items.length === 0) return 'No documents match';
  const table = renderTable(
    ['ID', 'TITLE', 'UPDATED', 'MATCH'],
    page.items.map((i) => [i.id, i.title, relativeTime(i.updatedAt), fragment(i.highlights)]),
  );
  return page.nextCursor ? `${table}\n\nMore: add --cursor ${page.nextCursor}` : table;
}

/** Registers search on `program`. */
export function addSearchCommand(program: Command): void {
  const search = serverOption(
    program.command('search').description('Search the documents you may read, most relevant first'),
  )
    .argument(
      '[query...]',
      'words to find, all required; "quoted phrases", -excluded, prefix*, a | b (none: newest first)',
    )
    .option('--tag <tags>', 'only documents with every one of these tags (comma-separated)')
    .option('--owner <account-id>', 'only documents of this owner')
    .option('--limit <n>', 'results per page (1-50)', parsePositiveInt, 10)
    .option('--cursor <cursor>', 'the page after this cursor')
    .addOption(outputOption())
    .action(
      async (
        words: string[],
        options: {
          server?: string;
          output: OutputFormat;
          tag?: string;
          owner?: string;
          limit: number;
          cursor?: string;
        },
      ) => {
        const client = new ServiceClient(resolveServer(options.server));
        const page = await client.json<SearchPage>('GET', '/v1/search', {
          query: {
            q: words.join(' ').trim() || undefined,
            tags: options.tag,
            owner: options.owner,
            limit: options.limit,
            cursor: options.cursor,
          },
        });
        printView(options.output, page, renderPage);
      },
    );
  withExamples(search, [
    ['quire search zeppelin', 'documents that mention zeppelin'],
    ['quire search \'"annual report" -draft\' --tag finance', 'a phrase, without drafts, tagged finance'],
    ['quire search gondola -o json | jq -r ".items[0].id"', 'the best match’s id'],
  ]);
}
