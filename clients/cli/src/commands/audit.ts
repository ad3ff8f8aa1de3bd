/**
 * `quire audit` (admins): the platform's audit log from the Audit service (GET /v1/audit/entries),
 * newest first, filtered by actor, subject, action and time; `--verify` checks its checkpoints and
 * walks its hash chain (GET /v1/audit/verify, from the last checkpoint, or every entry with `--full`)
 * and exits 1 when a link is broken or a checkpoint no longer matches.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import { parseDuration, parsePositiveInt } from '../arguments.js';
import { CliError, UsageError } from '../errors.js';
import { withExamples } from '../help.js';
import { type OutputFormat, outputOption, printView, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { serverOption } from './account.js';

/** One entry of the log, as the API returns it. */
export interface AuditEntryView {
  seq: number;
  eventId: string;
  occurredAt: string;
  recordedAt: string;
  source: string;
  action: string;
  actor: string | null;
  subject: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

/** The `-o json` shape of `quire audit`: one page, as the API returns it. */
export interface AuditPage {
  items: AuditEntryView[];
  nextCursor?: string;
}

/** The `-o json` shape of `quire audit --verify`, as the API returns it. */
export interface VerificationView {
  valid: boolean;
  checked: number;
  head?: { seq: number; hash: string };
  firstBroken?: { seq: number; eventId: string; reason: string };
  mode: 'incremental' | 'full';
  from: number;
  checkpoints: {
    checked: number;
    failed: number;
    latest?: { seq: number; hash: string; at: string };
    firstFailed?: { seq: number; hash: string; at: string; reason: string; detail: string };
  };
}

/** A point in time: an ISO 8601 timestamp, or a duration back from now (90m, 24h). */
export function parseInstant(text: string): string {
  if (/^\d+(\.\d+)?(ms|s|m|h)/.test(text.trim())) {
    return new Date(Date.now() - parseDuration(text)).toISOString();
  }
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    throw new InvalidArgumentError(
      `"${text}" is not a time; write a timestamp like 2026-11-26T09:00:00Z, or a duration back like 24h.`,
    );
  }
  return new Date(at).toISOString();
}

interface AuditOptions {
  server?: string;
  actor?: string;
  subject?: string;
  action?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
  verify?: boolean;
  full?: boolean;
  output: OutputFormat;
}

function renderPage(page: AuditPage): string {
  if (page.items.length === 0) return 'No audit entries match';
  const table = renderTable(
    ['SEQ', 'WHEN', 'ACTION', 'ACTOR', 'SUBJECT'],
    page.items.map((e) => [String(e.seq), relativeTime(e.occurredAt), e.action, e.actor ?? '-', e.subject]),
  );
  return page.nextCursor ? `${table}\n\nMore: add --cursor ${page.nextCursor}` : table;
}

function renderVerification(v: VerificationView): string {
  const walked = v.from > 0 ? `after checkpoint #${v.from}` : 'from the first';
  const cps = v.checkpoints;
  const lines = [
    v.firstBroken
      ? `The audit chain is BROKEN at #${v.firstBroken.seq} (event ${v.firstBroken.eventId}): ${v.firstBroken.reason}; ${v.checked} entries checked ${walked}`
      : v.valid
        ? v.head
          ? `The audit chain is valid: ${v.checked} entries checked ${walked}, head #${v.head.seq} ${v.head.hash}`
          : `The audit chain is valid: ${v.checked} entries checked (the log is empty)`
        : `Every link holds: ${v.checked} entries checked ${walked}`,
    `Checkpoints: ${cps.checked} checked, ${cps.failed} failed`,
  ];
  if (cps.firstFailed) {
    lines.push(
      `Checkpoint #${cps.firstFailed.seq} FAILED (${cps.firstFailed.reason}): ${cps.firstFailed.detail}`,
    );
  }
  if (cps.latest) {
    lines.push(
      `Latest checkpoint #${cps.latest.seq} ${cps.latest.hash} (${cps.latest.at}): compare with the copy on quire.audit.events`,
    );
  }
  return lines.join('\n');
}

/** The one-line reason `--verify` failed. */
function failureOf(v: VerificationView): string {
  const parts = [];
  if (v.firstBroken) parts.push(`broken at entry #${v.firstBroken.seq} (${v.firstBroken.reason})`);
  if (v.checkpoints.firstFailed) {
    parts.push(
      `checkpoint #${v.checkpoints.firstFailed.seq} no longer matches (${v.checkpoints.firstFailed.reason})`,
    );
  }
  return `The audit chain is ${parts.join(', and ')}`;
}

async function runAudit(options: AuditOptions): Promise<void> {
  const client = new ServiceClient(resolveServer(options.server));
  if (options.verify) {
    const filters = ['actor', 'subject', 'action', 'since', 'until', 'cursor'] as const;
    const given = filters.filter((f) => options[f] !== undefined);
    if (given.length)
      throw new UsageError(
        `--verify checks the whole chain and takes no ${given.map((f) => `--${f}`).join(', ')}`,
        'Run quire audit --verify alone',
      );
    const verification = await client.json<VerificationView>('GET', '/v1/audit/verify', {
      query: { full: options.full ? 'true' : undefined },
    });
    printView(options.output, verification, renderVerification);
    if (!verification.valid) {
      throw new CliError(
        failureOf(verification),
        'Entries were changed or removed outside the Audit service: investigate with quire audit, compare the checkpoints with the copies on quire.audit.events, and restore the log from a backup',
      );
    }
    return;
  }
  if (options.full) throw new UsageError('--full goes with --verify', 'Run quire audit --verify --full');
  if (options.limit > 500) throw new UsageError('--limit is at most 500', 'Page with --cursor instead');
  const page = await client.json<AuditPage>('GET', '/v1/audit/entries', {
    query: {
      actor: options.actor,
      subject: options.subject,
      action: options.action,
      from: options.since,
      to: options.until,
      limit: options.limit,
      cursor: options.cursor,
    },
  });
  printView(options.output, page, renderPage);
}

/** Registers audit on `program`. */
export function addAuditCommand(program: Command): void {
  const command = serverOption(
    program
      .command('audit')
      .description('Read the platform audit log, newest first, or verify its hash chain (admins only)'),
  )
    .option('--actor <account-id>', 'only entries of what this account did')
    .option('--subject <id>', 'only entries about this subject (a document, an account, an export)')
    .option('--action <type>', 'only this event type, such as document.shared')
    .option('--since <time>', 'entries at or after: a timestamp, or a duration back (24h)', parseInstant)
    .option('--until <time>', 'entries before: a timestamp, or a duration back', parseInstant)
    .option('--limit <n>', 'entries per page (1-500)', parsePositiveInt, 50)
    .option('--cursor <cursor>', 'the page after this cursor')
    .option(
      '--verify',
      'check the checkpoints and walk the hash chain from the last one; exit 1 if a link is broken or a checkpoint fails',
    )
    .option('--full', 'with --verify: walk every entry from the first')
    .addOption(outputOption())
    .action(runAudit);
  withExamples(command, [
    ['quire audit --action document.shared --since 24h', 'the shares of the last day'],
    ['quire audit --actor 3c2f… -o json', 'everything one account did, for a script'],
    ['quire audit --verify', 'check that no entry was changed or removed'],
    ['quire audit --verify --full', 'the same, re-hashing every entry from the first'],
  ]);
}
