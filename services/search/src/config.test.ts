import { envVariablesFor } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const required = {
  QUIRE_SERVICE_NAME: 'search',
  QUIRE_KAFKA_BROKERS: 'kafka-0:9092',
  QUIRE_AUTH_JWKS_URL: 'https://auth:8080/.well-known/jwks.json',
  QUIRE_SEARCH_URL: 'https://search:9200',
};

describe('the Search service configuration', () => {
  it('reads exactly the variables the kit requires', () => {
    expect(Object.keys(required).sort()).toEqual([...envVariablesFor('search').required].sort());
  });

  it('defaults to the Elasticsearch adapter, as the seed says, and takes OpenSearch when told', () => {
    expect(loadConfig(required).search).toEqual({
      url: 'https://search:9200',
      kind: 'elasticsearch',
      indexPrefix: 'quire',
    });
    expect(loadConfig({ ...required, QUIRE_SEARCH_KIND: 'opensearch' }).search.kind).toBe('opensearch');
    expect(() => loadConfig({ ...required, QUIRE_SEARCH_KIND: 'solr' })).toThrow(/QUIRE_SEARCH_KIND/);
  });
});
