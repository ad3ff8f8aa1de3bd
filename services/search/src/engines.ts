/** Choosing the engine adapter by configuration. */
import { elasticsearchEngine } from './elasticsearch-engine.js';
import type { EngineKind, SearchEngine } from './engine.js';
import { opensearchEngine } from './opensearch-engine.js';

/** The adapter for `kind` at `url`. */
export const createEngine = (kind: EngineKind, url: string): SearchEngine =>
  kind === 'elasticsearch' ? elasticsearchEngine(url) : opensearchEngine(url);
