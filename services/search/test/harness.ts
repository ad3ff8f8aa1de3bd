/**
 * Builds the Search service for component tests against the stack's OpenSearch, through either
 * adapter: OpenSearch directly, or Elasticsearch through the compatibility proxy (see
 * dev/stack/es-compat-proxy.ts and the README). Each run has its own index prefix, deleted after.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type EventEnvelope, newEvent } from '@quire/kit';
import { startTestIssuer, type TestIssuer, testLogger, testSetting } from '@quire/kit/testing';
import { startEsCompatProxy } from '../../../dev/stack/es-compat-proxy.js';
import { createApp } from '../src/app.js';
import { DocumentIndexer } from '../src/document-indexer.js';
import type { EngineKind } from '../src/engine.js';
import { createEngine } from '../src/engines.js';
import { documentsIndex, type IndexDefinition, indexName } from '../src/index-definition.js';
import { IndexManager } from '../src/index-manager.js';

export const engineKinds: EngineKind[] = ['opensearch', 'elasticsearch'];

export async function startSearch(
  kind: EngineKind,
  options: { issuer?: TestIssuer; definition?: IndexDefinition } = {},
) {
  const issuer = options.issuer ?? (await startTestIssuer());
  const opensearch = testSetting('QUIRE_SEARCH_URL');
  const proxy = kind === 'elasticsearch' ? await startEsCompatProxy({ target: opensearch }) : undefined;
  const engine = createEngine(kind, proxy?.url ?? opensearch);
  const prefix = `quire-test-${randomBytes(4).toString('hex')}`;
  const logger = testLogger('search');
  const manager = new IndexManager(engine, prefix, logger);
  await manager.ensure(options.definition ?? documentsIndex);
  const indexer = new DocumentIndexer(engine, manager.alias, logger);
  const app = createApp({
    engine,
    alias: manager.alias,
    verifier: issuer.verifier,
    logger,
    environment: 'test',
  });
  return {
    kind,
    app,
    engine,
    manager,
    indexer,
    issuer,
    prefix,
    logger,
    alias: manager.alias,
    async caller(roles: string[] = ['user']) {
      const subject = randomUUID();
      return { subject, token: await issuer.token({ subject, roles }) };
    },
    async close() {
      for (const index of await engine.aliasTargets(manager.alias)) await engine.deleteIndex(index);
      for (let v = 1; v <= 3; v++) await engine.deleteIndex(indexName(prefix, v));
      await engine.close();
      await proxy?.close();
      if (!options.issuer) await issuer.close();
    },
  };
}

export type SearchHarness = Awaited<ReturnType<typeof startSearch>>;

export interface TestDocument {
  id: string;
  version: number;
  ownerId: string;
  title: string;
  text?: string;
  tags?: string[];
  readers?: string[];
  updatedAt?: string;
  deleted?: boolean;
}

/** A document event as the Document service publishes it (schema version 1). */
export function documentEvent(d: TestDocument, type = 'document.updated'): EventEnvelope {
  const at = d.updatedAt ?? new Date().toISOString();
  return newEvent({
    type,
    source: 'document',
    subject: d.id,
    schemaVersion: 1,
    data: {
      actor: d.ownerId,
      version: d.version,
      document: {
        id: d.id,
        version: d.version,
        ownerId: d.ownerId,
        title: d.title,
        contentType: 'text/plain',
        size: d.text?.length ?? 0,
        sha256: '0'.repeat(64),
        tags: d.tags ?? [],
        readers: d.readers ?? [d.ownerId],
        shares: [],
        ...(d.text !== undefined ? { text: d.text } : {}),
        createdAt: at,
        updatedAt: at,
        deleted: d.deleted ?? false,
      },
    },
  });
}
