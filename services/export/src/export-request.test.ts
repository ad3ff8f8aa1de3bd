import { newEvent } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { parseExportRequest, readableBy } from './export-request.js';

const doc = (id: string, readers: string[]) => ({
  id,
  version: 1,
  title: id,
  contentType: 'text/plain',
  size: 1,
  sha256: 'a'.repeat(64),
  objectKey: `documents/${id}/k`,
  readers,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const request = (data: Record<string, unknown>) =>
  newEvent({ type: 'export.requested', source: 'document', subject: 'e', schemaVersion: 2, data });
const exportId = '0b5c1f3e-8a0d-4c4e-9d35-6f1f4a3b2c1d';

describe('export requests', () => {
  it('export only the documents the requester may read, unless the requester is an admin', () => {
    const r = parseExportRequest(
      request({
        exportId,
        requestedBy: 'bob',
        ownerId: 'ada',
        sourceBucket: 'docs',
        documents: [doc('a', ['ada', 'bob']), doc('b', ['ada'])],
      }),
    );
    const { allowed, refused } = readableBy(r);
    expect([allowed.map((d) => d.id), refused.map((d) => d.id)]).toEqual([['a'], ['b']]);
    expect(readableBy({ ...r, requesterIsAdmin: true }).refused).toEqual([]);
  });

  it('report a request without a document list as a problem, and dead-letter one without an export id', () => {
    expect(parseExportRequest(request({ exportId, requestedBy: 'bob', ownerId: 'bob' })).problem).toMatch(
      /schema 2/,
    );
    expect(() => parseExportRequest(request({ requestedBy: 'bob' }))).toThrow('invalid');
  });
});
