/**
 * The informer's event handlers, and how an event reaches them: every handler in turn, each in its
 * own try, because one controller's bug must not starve the others of events, nor stop the watch
 * that feeds them all.
 */
import { describeError, type Logger } from './logger.js';
import type { KubeObject } from './resource-kind.js';

export interface InformerHandler<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(old: T, current: T): void;
  onDelete?(object: T): void;
}

/** The handlers of one informer; a failing handler is logged and the rest still run. */
export class InformerHandlers<T extends KubeObject> {
  private readonly handlers = new Set<InformerHandler<T>>();
  private readonly log: Logger;

  // No parameter property: the leader-election tests run these sources with Node's type stripping.
  constructor(log: Logger) {
    this.log = log;
  }

  /** Adds a handler, first telling it of `existing` as adds; returns what removes it. */
  add(handler: InformerHandler<T>, existing: readonly T[]): () => void {
    this.handlers.add(handler);
    for (const object of existing) this.call(handler, 'onAdd', object);
    return () => this.handlers.delete(handler);
  }

  emit(event: 'onAdd' | 'onDelete', object: T): void;
  emit(event: 'onUpdate', old: T, current: T): void;
  emit(event: keyof InformerHandler<T>, first: T, second?: T): void {
    for (const handler of this.handlers) this.call(handler, event, first, second);
  }

  /** A failing handler is logged; it never stops the informer or the other handlers. */
  private call(handler: InformerHandler<T>, event: keyof InformerHandler<T>, first: T, second?: T): void {
    try {
      if (event === 'onUpdate') handler.onUpdate?.(first, second ?? first);
      else handler[event]?.(first);
    } catch (error) {
      this.log.error({ err: describeError(error), event }, 'Event handler failed');
    }
  }
}
