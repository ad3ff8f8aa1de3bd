/**
 * The export step: request an export of the uploaded document through the gateway (Document's
 * POST /v1/exports), wait for the Export service to build the archive and Document to record the
 * result, download the archive from its link, and compare each file with what was uploaded.
 */
import pg from 'pg';
import yauzl from 'yauzl';
import { ApiError } from './api-client.ts';
import { type StepContext, sha256 } from './scenario-steps.ts';

interface ExportView {
  id: string;
  status: string;
  downloadUrl?: string;
  error?: string;
}

const finished = new Set(['ready', 'completed', 'succeeded', 'done', 'failed']);

/** Every file of a ZIP archive, by path, with its bytes. */
export function unzip(archive: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(archive, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('not a ZIP archive'));
      const files = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(files));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** What the Export service itself recorded, to say where an export that never finished got stuck. */
async function exportJob(databaseUrl: string, id: string): Promise<{ text: string; failed: boolean }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; error: string | null }>(
      'SELECT status, error FROM export.export_jobs WHERE export_id = $1',
      [id],
    );
    const job = rows[0];
    if (!job) return { text: 'the Export service has no job for it', failed: false };
    const text = `the Export service's job is ${job.status}${job.error ? ` (${job.error})` : ''}`;
    return { text, failed: job.status === 'failed' };
  } catch (error) {
    return {
      text: `the Export service's jobs could not be read (${(error as Error).message})`,
      failed: false,
    };
  } finally {
    await client.end();
  }
}

/**
 * Polls Document's view of the export until it finishes. When the Export service has already given
 * up on the job while Document still shows it pending, waiting longer cannot help: it says so at once.
 */
async function waitForExport(c: StepContext, id: string, token: string): Promise<ExportView> {
  const started = Date.now();
  for (;;) {
    const r = await c.gateway.call<ExportView>('GET', `/v1/exports/${id}`, { token });
    c.facts.export = { id, status: r.body.status };
    if (finished.has(r.body.status)) return r.body;
    const waited = Date.now() - started;
    if (waited > 3_000) {
      const job = await exportJob(c.state.databaseUrl, id);
      if (job.failed || waited > 45_000) {
        throw new Error(
          `export ${id}: Document still says "${r.body.status}" after ${(waited / 1000).toFixed(0)}s; ${job.text}`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function exportDocuments(c: StepContext): Promise<string> {
  const doc = c.facts.document;
  const alice = c.facts.alice;
  if (!doc || !alice) throw new Error('needs the upload from an earlier step');
  const created = await c.gateway
    .call<ExportView>('POST', '/v1/exports', {
      token: alice.accessToken,
      json: { format: 'zip', documentIds: [doc.id] },
    })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404 && error.text.includes('gateway has no route')) {
        throw new Error(
          "the gateway has no route for /v1/exports: the document service's HTTPRoute lists only /v1/documents " +
            '(publicPaths in operator/src/render/http-route.ts)',
        );
      }
      throw error;
    });
  const id = created.body.id;
  c.facts.export = { id, status: created.body.status };
  const view = await waitForExport(c, id, alice.accessToken);
  if (view.status === 'failed') throw new Error(`export ${id} failed: ${view.error ?? 'no reason given'}`);
  if (!view.downloadUrl) throw new Error(`export ${id} is ${view.status} but Document gives no downloadUrl`);
  const absolute = /^https?:\/\//.test(view.downloadUrl);
  const response = absolute
    ? await fetch(view.downloadUrl)
    : await fetch(`${c.state.gatewayUrl}${view.downloadUrl}`, {
        headers: { authorization: `Bearer ${alice.accessToken}` },
      });
  if (!response.ok) throw new Error(`downloading export ${id}: HTTP ${response.status}`);
  const archive = Buffer.from(await response.arrayBuffer());
  const files = await unzip(archive);
  const mine = [...files].find(([path]) => path.startsWith(`documents/${doc.id}/`));
  if (!mine) throw new Error(`the archive has no file for ${doc.id}: ${[...files.keys()].join(', ')}`);
  const identical = sha256(mine[1]) === doc.sha256;
  c.facts.export = {
    id,
    status: view.status,
    files: Object.fromEntries([...files].map(([path, bytes]) => [path, sha256(bytes)])),
  };
  if (!identical) throw new Error(`${mine[0]} in the archive differs from the uploaded bytes`);
  return `export ${id} ${view.status}; ${archive.length}-byte archive, ${mine[0]} byte-identical to the upload`;
}
