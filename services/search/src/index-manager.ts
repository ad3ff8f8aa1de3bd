/**
 * Keeps the documents alias on an index of the current definition. Reads and writes always go
 * through the alias, so a mapping change never stops searches:
 *   1. create `<alias>-v<N>` with the new settings and mappings;
 *   2. copy the old index into it (server-side reindex, keeping each document's external version);
 *      meanwhile the old index still answers searches and takes writes;
 *   3. move the alias to the new index in one atomic alias update: searches and writes now use it;
 *   4. after a moment for writes that resolved the alias just before the move, copy again, to catch
 *      writes that reached the old index during the first copy; external versions make the copy
 *      idempotent, and a newer version already in the new index wins;
 *   5. delete the old index.
 * Replicas starting together race safely: only one creates the new index; the others wait for the
 * alias to move.
 */
import type { Logger } from 'pino';
import type { SearchEngine } from './engine.js';
import { aliasName, type IndexDefinition, indexName } from './index-definition.js';

export interface EnsureResult {
  index: string;
  /** The index migrated from, with the documents copied in each pass. */
  migrated?: { from: string[]; copied: number; caughtUp: number };
}

export class IndexManager {
  readonly alias: string;

  constructor(
    private readonly engine: SearchEngine,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly waitMs = 120_000,
    /** Pause between moving the alias and the catch-up copy. */
    private readonly settleMs = 1_000,
  ) {
    this.alias = aliasName(prefix);
  }

  /** Makes the alias point to the index of `definition`, migrating from an older one if needed. */
  async ensure(definition: IndexDefinition): Promise<EnsureResult> {
    const { engine, alias } = this;
    const target = indexName(this.prefix, definition.version);
    const current = await engine.aliasTargets(alias);
    if (current.includes(target)) return { index: target };
    const body = {
      settings: definition.settings,
      mappings: { ...definition.mappings, _meta: { version: definition.version } },
    };
    const created = await engine.createIndex(target, body);
    if (current.length === 0) {
      await engine.updateAliases([{ add: { index: target, alias } }]);
      this.logger.info({ index: target, alias }, 'Created the search index');
      return { index: target };
    }
    if (created === 'exists') {
      await this.waitForAlias(target);
      return { index: target };
    }
    const source = current.join(',');
    this.logger.info({ from: current, to: target }, 'Reindexing for a new index definition');
    // A reindex copies what a search of the source sees, which is only what has been refreshed:
    // refresh first, so every acknowledged write is copied.
    for (const index of current) await engine.refresh(index);
    const first = await engine.reindex(source, target);
    await engine.updateAliases([
      ...current.map((index) => ({ remove: { index, alias } })),
      { add: { index: target, alias } },
    ]);
    await new Promise((r) => setTimeout(r, this.settleMs));
    for (const index of current) await engine.refresh(index);
    const second = await engine.reindex(source, target);
    for (const index of current) await engine.deleteIndex(index);
    this.logger.info(
      { from: current, to: target, copied: first.copied, caughtUp: second.copied },
      'Moved the search alias',
    );
    return { index: target, migrated: { from: current, copied: first.copied, caughtUp: second.copied } };
  }

  private async waitForAlias(target: string): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    while (Date.now() < deadline) {
      if ((await this.engine.aliasTargets(this.alias)).includes(target)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`The alias ${this.alias} did not move to ${target} within ${this.waitMs} ms`);
  }
}
