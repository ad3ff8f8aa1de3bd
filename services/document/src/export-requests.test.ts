import { describe, expect, it } from 'vitest';
import { toExportView } from './export-requests.js';

const row = {
  id: '0b5c1f3e-8a0d-4c4e-9d35-6f1f4a3b2c1d',
  owner_id: 'ada',
  requested_by: 'ada',
  format: 'zip',
  status: 'requested' as const,
  created_at: new Date('2026-01-01T00:00:00Z'),
  download_url: null,
  expires_at: null,
  archive_bytes: null,
  document_count: null,
  skipped_count: null,
  error: null,
  finished_at: null,
};
const now = new Date('2026-01-01T12:00:00Z');

describe('an export as the API shows it', () => {
  it('is requested, with nothing more, until Export reports', () => {
    expect(toExportView(row, now)).toEqual({
      id: row.id,
      ownerId: 'ada',
      requestedBy: 'ada',
      format: 'zip',
      status: 'requested',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('is completed with its download link, what it holds and when the link expires, as the quire CLI reads it', () => {
    const completed = {
      ...row,
      status: 'completed' as const,
      download_url: 'https://s3.example.com/exports/x.zip?X-Amz-Signature=abc',
      expires_at: new Date('2026-01-02T00:00:00Z'),
      archive_bytes: '2048',
      document_count: 3,
      skipped_count: 1,
      finished_at: new Date('2026-01-01T00:01:00Z'),
    };
    expect(toExportView(completed, now)).toMatchObject({
      status: 'completed',
      downloadUrl: completed.download_url,
      expiresAt: '2026-01-02T00:00:00.000Z',
      archiveBytes: 2048,
      documentCount: 3,
      skippedCount: 1,
      finishedAt: '2026-01-01T00:01:00.000Z',
    });
  });

  it('is expired, without the dead link, once its link stopped working', () => {
    const view = toExportView(
      {
        ...row,
        status: 'completed',
        download_url: 'https://s3/x',
        expires_at: new Date('2026-01-01T06:00:00Z'),
      },
      now,
    );
    expect(view.status).toBe('expired');
    expect(view.downloadUrl).toBeUndefined();
  });

  it('is failed with the reason Export gave', () => {
    expect(
      toExportView({ ...row, status: 'failed', error: 'The archive could not be built' }, now),
    ).toMatchObject({
      status: 'failed',
      error: 'The archive could not be built',
    });
  });
});
