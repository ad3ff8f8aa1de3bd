import { describe, expect, it } from 'vitest';
import { compressible, entryPath } from './archive-layout.js';

describe('the archive layout', () => {
  it('names each document by id and a safe title with an extension', () => {
    expect(entryPath({ id: 'a1', title: 'Q3 report', contentType: 'text/markdown' })).toBe(
      'documents/a1/Q3 report.md',
    );
    expect(entryPath({ id: 'a1', title: '../../etc/passwd', contentType: 'text/plain' })).toBe(
      'documents/a1/_.._etc_passwd.txt',
    );
    expect(entryPath({ id: 'a1', title: 'scan.pdf', contentType: 'application/pdf' })).toBe(
      'documents/a1/scan.pdf',
    );
    expect(entryPath({ id: 'a1', title: '...', contentType: 'application/octet-stream' })).toBe(
      'documents/a1/document',
    );
  });

  it('compresses text and leaves already compressed formats alone', () => {
    expect(compressible('text/plain; charset=utf-8')).toBe(true);
    expect(compressible('application/json')).toBe(true);
    expect(compressible('image/png')).toBe(false);
  });
});
