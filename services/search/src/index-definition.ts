/**
 * The versioned definition of the documents index. Any change to the settings or mappings bumps
 * `version`: the index manager then creates `<alias>-v<version>`, copies the documents into it and
 * moves the alias, while searches keep answering from the old index (see index-manager.ts).
 */
import type { IndexBody } from './engine.js';

export interface IndexDefinition extends IndexBody {
  version: number;
}

/** The documents index: full text over title, tags and text; keywords for filters and permissions. */
export const documentsIndex: IndexDefinition = {
  version: 1,
  settings: {
    number_of_shards: 1,
    number_of_replicas: 1,
    // Documents become searchable within a second of being indexed.
    refresh_interval: '1s',
    analysis: {
      analyzer: {
        // Standard tokens, lower case, accents folded: "Café" finds "cafe".
        folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
      },
    },
  },
  mappings: {
    // A field nobody declared is a bug in the indexer, not a new field to guess a type for.
    dynamic: 'strict',
    properties: {
      id: { type: 'keyword' },
      title: { type: 'text', analyzer: 'folded', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
      tags: { type: 'keyword' },
      text: { type: 'text', analyzer: 'folded' },
      ownerId: { type: 'keyword' },
      // Who may read the document: the owner and the users it is shared with.
      readers: { type: 'keyword' },
      contentType: { type: 'keyword' },
      size: { type: 'long' },
      createdAt: { type: 'date' },
      updatedAt: { type: 'date' },
      // Deleted documents stay as tombstones, so a late older event cannot bring them back.
      deleted: { type: 'boolean' },
    },
  },
};

/** The alias every read and write goes through, and the index name of a definition version. */
export const aliasName = (prefix: string) => `${prefix}-documents`;
export const indexName = (prefix: string, version: number) => `${aliasName(prefix)}-v${version}`;
