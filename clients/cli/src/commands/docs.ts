/**
 * `quire docs upload|list|get|download|share|rm|restore|trash`: documents, through the Document API; share
 * also takes an email, which User's lookup turns into the account id.
 */
import { type Command, Option } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import { type DocumentView, downloadFile, uploadFile } from '../api/transfer.js';
import { parsePositiveInt } from '../arguments.js';
import { CliError, ServiceProblem } from '../errors.js';
import { withExamples } from '../help.js';
import { humanBytes, type OutputFormat, outputOption, printView, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { serverOption } from './account.js';
import { addTrashCommand } from './docs-trash.js';

/** The `-o json` shape of `quire docs list`: one page, as the API returns it. */
export interface DocumentPage {
  items: DocumentView[];
  nextCursor?: string;
}

const client = (options: { server?: string }) => new ServiceClient(resolveServer(options.server));
const path = (id: string) => `/v1/documents/${encodeURIComponent(id)}`;
/** Repeated or comma-separated values of one option, collected into a list. */
const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean),
];

/** Documents as a table. */
export function documentsTable(items: readonly DocumentView[]): string {
  return renderTable(
    ['ID', 'TITLE', 'TYPE', 'SIZE', 'TAGS', 'UPDATED'],
    items.map((d) => [
      d.id,
      d.title,
      d.contentType,
      humanBytes(d.size),
      d.tags.join(',') || '-',
      relativeTime(d.updatedAt),
    ]),
  );
}

/** One document's details. */
export function renderDocument(d: DocumentView): string {
  const shares = d.shares.map((s) => `${s.userId} (${s.permission})`).join(', ') || 'nobody';
  return [
    `ID:        ${d.id}`,
    `Title:     ${d.title}`,
    `Type:      ${d.contentType}`,
    `Size:      ${humanBytes(d.size)} (${d.size} bytes)`,
    `SHA-256:   ${d.sha256}`,
    `Tags:      ${d.tags.join(', ') || '-'}`,
    `Owner:     ${d.ownerId}`,
    `Shared:    ${shares}`,
    `Version:   ${d.version}`,
    `Created:   ${d.createdAt} (${relativeTime(d.createdAt)})`,
    `Updated:   ${d.updatedAt} (${relativeTime(d.updatedAt)})`,
  ].join('\n');
}

/** Who `user` names: an account id as given, or the user an email belongs to (User's exact lookup). */
export async function shareTarget(api: ServiceClient, user: string): Promise<{ id: string; label: string }> {
  if (!user.includes('@')) return { id: user, label: user };
  try {
    const match = await api.json<{ id: string; displayName: string }>('GET', '/v1/users/lookup', {
      query: { email: user },
    });
    return { id: match.id, label: `${match.displayName} <${user.trim().toLowerCase()}>` };
  } catch (error) {
    if (error instanceof ServiceProblem && error.status === 404) {
      throw new CliError(
        `No user has the email ${user.trim()}`,
        'Check the address (it must match exactly), or ask them for their account id: people are found by email once they have saved a profile',
      );
    }
    throw error;
  }
}

type Server = { server?: string };
type Read = Server & { output: OutputFormat };

/** Registers the docs command group on `program`. */
export function addDocsCommands(program: Command): void {
  const docs = program
    .command('docs')
    .description(
      'Upload, list, read, download, share, delete and restore documents, and list the deleted ones',
    );

  const upload = serverOption(
    docs
      .command('upload')
      .description('Upload a file as a new document (streamed; size and SHA-256 verified by the service)'),
  )
    .argument('<file>', 'the file to upload')
    .option('-t, --title <title>', 'the document’s title (default: the file name)')
    .option('--tag <tags>', 'a tag (repeat, or separate with commas)', collect)
    .option('--type <media-type>', 'the media type (default: from the file extension)')
    .addOption(outputOption())
    .action(async (file: string, options: Read & { title?: string; tag?: string[]; type?: string }) => {
      const doc = await uploadFile(client(options), file, {
        title: options.title,
        tags: options.tag ?? [],
        type: options.type,
      });
      printView(
        options.output,
        doc,
        (d) => `Uploaded ${file} as document ${d.id} (${humanBytes(d.size)}, SHA-256 ${d.sha256})`,
      );
    });
  withExamples(upload, [
    [
      'quire docs upload report.pdf --title "Q3 report" --tag finance,2026',
      'upload a PDF with a title and two tags',
    ],
    ['quire docs upload notes.md -o json | jq -r .id', 'upload and keep the new id'],
  ]);

  const list = serverOption(
    docs
      .command('list')
      .alias('ls')
      .description('List the documents you can read, newest first, a page at a time'),
  )
    .option('--tag <tags>', 'only documents with every one of these tags', collect)
    .option('--owner <account-id>', 'only documents of this owner')
    .option('--limit <n>', 'documents per page (1-100)', parsePositiveInt, 20)
    .option('--cursor <cursor>', 'the page after this cursor (printed under each page)')
    .addOption(outputOption())
    .action(async (options: Read & { tag?: string[]; owner?: string; limit: number; cursor?: string }) => {
      const page = await client(options).json<DocumentPage>('GET', '/v1/documents', {
        query: {
          tags: options.tag?.join(',') || undefined,
          owner: options.owner,
          limit: options.limit,
          cursor: options.cursor,
        },
      });
      printView(options.output, page, (p) => {
        const table = p.items.length ? documentsTable(p.items) : 'No documents';
        return p.nextCursor ? `${table}\n\nMore: quire docs list --cursor ${p.nextCursor}` : table;
      });
    });
  withExamples(list, [
    ['quire docs list --tag finance', 'documents tagged finance'],
    ['quire docs list -o json | jq -r ".items[].id"', 'the ids of the first page'],
  ]);

  const get = serverOption(docs.command('get').description('Show one document’s metadata'))
    .argument('<id>', 'the document id')
    .addOption(outputOption())
    .action(async (id: string, options: Read) => {
      printView(options.output, await client(options).json<DocumentView>('GET', path(id)), renderDocument);
    });
  withExamples(get, [['quire docs get 7d0c… -o yaml', 'a document’s metadata as YAML']]);

  const download = serverOption(
    docs
      .command('download')
      .description('Download a document’s content (streamed, SHA-256 verified before it is kept)'),
  )
    .argument('<id>', 'the document id')
    .argument('[dest]', 'a file or folder to write to, or - for stdout (default: the title, in this folder)')
    .option('-f, --force', 'overwrite the destination if it exists', false)
    .action(async (id: string, dest: string | undefined, options: Server & { force: boolean }) => {
      const api = client(options);
      const doc = await api.json<DocumentView>('GET', path(id));
      const saved = await downloadFile(api, doc, dest, options.force);
      if (saved.path !== '-')
        process.stderr.write(
          `Downloaded ${doc.id} to ${saved.path} (${humanBytes(saved.size)}, SHA-256 ${saved.sha256} verified)\n`,
        );
    });
  withExamples(download, [
    ['quire docs download 7d0c…', 'save it under its title in this folder'],
    ['quire docs download 7d0c… - | less', 'read it without saving'],
  ]);

  const share = serverOption(
    docs
      .command('share')
      .description('Share a document with another user for reading or writing, or stop sharing it'),
  )
    .argument('<id>', 'the document id')
    .argument('<user>', 'who to share with: their account id, or their email')
    .addOption(
      new Option('-p, --permission <permission>', 'what they may do')
        .choices(['read', 'write'])
        .default('read'),
    )
    .option('--revoke', 'stop sharing with this user instead', false)
    .addOption(outputOption())
    .action(async (id: string, user: string, options: Read & { permission: string; revoke: boolean }) => {
      const api = client(options);
      const who = await shareTarget(api, user);
      const target = `${path(id)}/shares/${encodeURIComponent(who.id)}`;
      const doc = options.revoke
        ? await api.json<DocumentView>('DELETE', target)
        : await api.json<DocumentView>('PUT', target, { json: { permission: options.permission } });
      printView(options.output, doc, (d) =>
        options.revoke
          ? `Stopped sharing ${d.id} with ${who.label}`
          : `Shared ${d.id} with ${who.label} for ${options.permission}`,
      );
    });
  withExamples(share, [
    ['quire docs share 7d0c… grace@example.com', 'let a colleague read it, found by their email'],
    ['quire docs share 7d0c… 5f1e… --permission write', 'let a colleague edit, named by account id'],
    ['quire docs share 7d0c… 5f1e… --revoke', 'take the access back'],
  ]);

  const rm = serverOption(docs.command('rm').alias('delete').description('Delete documents (owner or admin)'))
    .argument('<ids...>', 'the document ids')
    .action(async (ids: string[], options: Server) => {
      const api = client(options);
      for (const id of ids) {
        await api.send('DELETE', path(id));
        process.stdout.write(`Deleted document ${id}\n`);
      }
    });
  withExamples(rm, [['quire docs rm 7d0c… 9a2b…', 'delete two documents']]);

  const restore = serverOption(
    docs
      .command('restore')
      .description(
        'Bring a deleted document back (owner or admin), as long as the cleanup has not removed its content',
      ),
  )
    .argument('<id>', 'the id of the deleted document')
    .addOption(outputOption())
    .action(async (id: string, options: Read) => {
      const doc = await client(options).json<DocumentView>('POST', `${path(id)}/restore`);
      printView(options.output, doc, (d) => `Restored document ${d.id} "${d.title}" (version ${d.version})`);
    });
  withExamples(restore, [
    ['quire docs restore 7d0c…', 'undo quire docs rm 7d0c…'],
    ['quire docs trash', 'find the ids of the documents that can be restored'],
  ]);
  addTrashCommand(docs);
}
