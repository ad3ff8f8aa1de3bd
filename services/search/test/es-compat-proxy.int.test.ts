import { Client, errors } from '@elastic/elasticsearch';
import { testSetting } from '@quire/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EsCompatProxy, startEsCompatProxy } from '../../../dev/stack/es-compat-proxy.js';

// Why the Elasticsearch adapter's tests go through dev/stack/es-compat-proxy.ts: the stack runs
// OpenSearch, which the Elasticsearch client refuses as it is.
describe('the Elasticsearch client against the stack OpenSearch', () => {
  let proxy: EsCompatProxy;
  beforeAll(async () => {
    proxy = await startEsCompatProxy({ target: testSetting('QUIRE_SEARCH_URL') });
  });
  afterAll(() => proxy?.close());

  it('is refused directly: OpenSearch does not say it is Elasticsearch', async () => {
    const client = new Client({ node: testSetting('QUIRE_SEARCH_URL') });
    await expect(client.info()).rejects.toBeInstanceOf(errors.ProductNotSupportedError);
    await client.close();
  });

  it('works through the compatibility proxy, against the real engine', async () => {
    const client = new Client({ node: proxy.url });
    const info = await client.info();
    // OpenSearch says who it is in a field the Elasticsearch types do not know.
    expect((info.version as { distribution?: string }).distribution).toBe('opensearch');
    const index = `quire-test-compat-${Date.now()}`;
    try {
      await client.index({ index, id: '1', document: { title: 'through the proxy' }, refresh: true });
      const found = await client.search({ index, query: { match: { title: 'proxy' } } });
      expect(found.hits.hits.map((h) => h._id)).toEqual(['1']);
      const bulk = await client.bulk({
        refresh: true,
        operations: [{ index: { _index: index, _id: '2' } }, { title: 'bulk' }],
      });
      expect(bulk.errors).toBe(false);
    } finally {
      await client.indices.delete({ index }, { ignore: [404] });
      await client.close();
    }
  });
});
