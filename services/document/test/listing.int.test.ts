// Listing a user's documents against the real PostgreSQL: a page at a time with a cursor, filtered by
// tag and content type, and a clear error for a cursor the service did not hand out.
import { describe, expect, it } from 'vitest';
import { useDocument } from './use-document.js';

const { h, as } = useDocument({ contentRetentionSeconds: 0 });

describe('listing', () => {
  it("pages through the caller's documents with a cursor and filters by tag and content type", async () => {
    const c = await h.caller();
    for (let i = 0; i < 5; i++) {
      await as(c)
        .upload(
          `doc ${i}`,
          { title: `Doc ${i}`, tags: i % 2 ? 'odd' : 'even' },
          i === 4 ? 'text/csv' : 'text/plain',
        )
        .expect(201);
    }
    const first = await as(c).get('/v1/documents?limit=2').expect(200);
    expect(first.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 0', 'Doc 1']);
    const second = await as(c).get(`/v1/documents?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 2', 'Doc 3']);
    const odd = await as(c).get('/v1/documents?tags=odd').expect(200);
    expect(odd.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 1', 'Doc 3']);
    const csv = await as(c).get('/v1/documents?contentType=text/csv').expect(200);
    expect(csv.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 4']);
    const bad = await as(c).get('/v1/documents?cursor=garbage').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'cursor' });
  });
});
