/**
 * `quire export`: requests an export of your documents (Document's POST /v1/exports), waits with a
 * progress display while the Export service works on it, then downloads the archive from the
 * `downloadUrl` (a presigned object-storage link) Document records on the completed export.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import { fetch } from '../api/http.js';
import { parseDuration } from '../arguments.js';
import { CliError } from '../errors.js';
import { withExamples } from '../help.js';
import { humanDuration, type OutputFormat, outputOption, printView } from '../output/format.js';
import { liveDisplay } from '../output/progress.js';
import { serverOption } from './account.js';
import { addExportListCommand } from './export-list.js';

/** The `-o json` shape of `quire export`: the export as the API returns it. */
export interface ExportView {
  id: string;
  ownerId: string;
  requestedBy: string;
  format: string;
  status: string;
  createdAt: string;
  finishedAt?: string;
  /** A link to the finished archive, on a completed export until it expires. */
  downloadUrl?: string;
  expiresAt?: string;
  documentCount?: number;
  skippedCount?: number;
  archiveBytes?: number;
  error?: string;
}

const finished = new Set(['completed', 'succeeded', 'ready', 'done']);
const failed = new Set(['failed', 'error', 'expired']);

interface ExportOptions {
  server?: string;
  format: string;
  doc?: string[];
  owner?: string;
  id?: string;
  wait: boolean;
  timeout: number;
  to?: string;
  output: OutputFormat;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the export until it finishes, fails or the timeout passes. */
async function waitForExport(client: ServiceClient, first: ExportView, timeout: number): Promise<ExportView> {
  const started = Date.now();
  const display = liveDisplay();
  let current = first;
  try {
    while (!finished.has(current.status) && !failed.has(current.status)) {
      const elapsed = Date.now() - started;
      if (elapsed >= timeout) {
        throw new CliError(
          `Export ${current.id} is still ${current.status} after ${humanDuration(timeout / 1000)}`,
          `Check on it later with: quire export --id ${current.id}; if it never moves, the Export service is not processing quire.export.requests`,
        );
      }
      display.update(
        `Export ${current.id}: ${current.status} (${humanDuration(elapsed / 1000)} of ${humanDuration(timeout / 1000)})`,
      );
      await sleep(Math.min(2000, timeout - elapsed));
      current = await client.json<ExportView>('GET', `/v1/exports/${encodeURIComponent(current.id)}`);
    }
  } finally {
    display.stop();
  }
  if (failed.has(current.status)) {
    throw new CliError(
      `Export ${current.id} ${current.status}${current.error ? `: ${current.error}` : ''}`,
      'Request a new export; if it fails again, tell an admin the export id',
    );
  }
  return current;
}

/** Downloads the finished archive: a presigned URL as is, a path through the gateway with the token. */
async function downloadExport(
  client: ServiceClient,
  view: ExportView,
  to: string | undefined,
): Promise<string> {
  if (!view.downloadUrl) {
    throw new CliError(
      `Export ${view.id} is ${view.status}, but the API gives no download link for it (no downloadUrl)`,
      'Request a new export; if this one keeps coming without a link, tell an admin the export id',
    );
  }
  const absolute = /^https?:\/\//.test(view.downloadUrl);
  const response = absolute ? await fetch(view.downloadUrl) : await client.send('GET', view.downloadUrl);
  if (!response.ok || !response.body)
    throw new CliError(
      `The export archive could not be downloaded (HTTP ${response.status})`,
      `Try again: quire export --id ${view.id}`,
    );
  const path = to ?? `quire-export-${view.id}.${view.format}`;
  const temporary = `${path}.${process.pid}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(temporary));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  renameSync(temporary, path);
  return path;
}

async function runExport(options: ExportOptions): Promise<void> {
  const client = new ServiceClient(resolveServer(options.server));
  let view = options.id
    ? await client.json<ExportView>('GET', `/v1/exports/${encodeURIComponent(options.id)}`)
    : await client.json<ExportView>('POST', '/v1/exports', {
        json: {
          format: options.format,
          ownerId: options.owner,
          documentIds: options.doc?.length ? options.doc : undefined,
        },
      });
  if (!options.id) process.stderr.write(`Requested export ${view.id} (${view.format})\n`);
  if (options.wait) {
    view = await waitForExport(client, view, options.timeout);
    const path = await downloadExport(client, view, options.to);
    process.stderr.write(`Downloaded export ${view.id} to ${path}\n`);
  }
  printView(
    options.output,
    view,
    (v) => `Export ${v.id}: ${v.status} (format ${v.format}, requested ${v.createdAt})`,
  );
}

/** Registers export on `program`. */
export function addExportCommand(program: Command): void {
  const command = serverOption(
    program
      .command('export')
      .description('Export your documents as one archive: request it, wait for it, download it'),
  )
    .addOption(new Option('--format <format>', 'the archive format').choices(['zip', 'json']).default('zip'))
    .option(
      '--doc <ids>',
      'only these document ids (repeat, or separate with commas)',
      (v: string, prev: string[] = []) => [...prev, ...v.split(',')],
    )
    .option('--owner <account-id>', 'export another user’s documents (admins only)')
    .option('--id <export-id>', 'follow an export requested before instead of requesting a new one')
    .option('--no-wait', 'request it and return at once, printing the export id')
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for the archive')
        .argParser(parseDuration)
        .default(parseDuration('10m'), '10m'),
    )
    .option('--to <file>', 'where to save the archive (default: quire-export-<id>.<format>)')
    .addOption(outputOption())
    // `quire export list -o json`: options after `list` are list's (see buildProgram).
    .enablePositionalOptions()
    .action(runExport);
  withExamples(command, [
    ['quire export --to my-documents.zip', 'everything you own, as a zip, waiting for it'],
    ['quire export --no-wait -o json | jq -r .id', 'request it now, fetch it later'],
    ['quire export --id 3c2f… --timeout 30m', 'wait for an export requested earlier'],
    ['quire export list', 'the exports you requested before'],
  ]);
  addExportListCommand(command);
}
