import { newEvent } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { requireSendable } from './export-listing.js';

const requestWith = (documents: number) =>
  newEvent({
    type: 'export.requested',
    source: 'document',
    subject: 'e',
    data: { documents: Array.from({ length: documents }, (_, i) => ({ id: `doc-${i}`, readers: ['ada'] })) },
  });

describe('the size of an export request', () => {
  it('lets a request that fits in one Kafka message through', () => {
    expect(() => requireSendable(requestWith(100))).not.toThrow();
  });

  it('refuses one over the limit with a 400 that says to name fewer documents, before anything is recorded', () => {
    let error: unknown;
    try {
      requireSendable(requestWith(100), 1_000);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/100 documents/) });
    expect((error as { options: { errors: { field: string }[] } }).options.errors[0]?.field).toBe(
      'documentIds',
    );
  });
});
