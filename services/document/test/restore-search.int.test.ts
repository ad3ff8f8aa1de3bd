// A restored document and the real search index (OpenSearch): the document's events, applied in
// order, take it out of search when it is deleted and put it back when it is restored.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchHarness, startSearch } from '../../search/test/harness.js';
import { useDocument } from './use-document.js';

const { h, ada, as } = useDocument({ contentRetentionSeconds: 0 });
let search: SearchHarness;
beforeAll(async () => {
  search = await startSearch('opensearch');
});
afterAll(() => search?.close());

describe('the search index and a restored document', () => {
  it('when the events are applied in order, a deleted document drops out of search and a restored one is found again', async () => {
    const word = `phoenix${randomBytes(4).toString('hex')}`;
    const { body } = await as(ada).upload(`The ${word} rises from its ashes.`).expect(201);
    const token = await search.issuer.token({ subject: ada.subject, roles: ['user'] });
    const found = async () =>
      (
        await request(search.app.api)
          .get('/v1/search')
          .query({ q: word })
          .set('authorization', `Bearer ${token}`)
          .expect(200)
      ).body.items.map((d: { id: string }) => d.id);
    const apply = async (type: string) => {
      const event = (await h.events(body.id)).find((e) => e.type === type);
      expect(await search.indexer.apply(event as never)).toBe('applied');
      await search.engine.refresh(search.alias); // searchable now, not after the refresh interval
    };

    await apply('document.created');
    expect(await found()).toEqual([body.id]);
    await as(ada).delete(`/v1/documents/${body.id}`).expect(204);
    await apply('document.deleted');
    expect(await found()).toEqual([]);
    await as(ada).restore(body.id).expect(200);
    await apply('document.restored');
    expect(await found()).toEqual([body.id]);
  });
});
