/**
 * The time half of the checkpoint rule: appends record a checkpoint when enough entries follow the
 * last one, but a quiet log appends nothing, so a timer looks now and then whether the oldest entry
 * after the last checkpoint has waited long enough. Every replica runs one; the chain's lock and the
 * due rule make sure only one checkpoint is recorded.
 */
import { withTransaction } from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import { lockChain } from './audit-log.js';
import type { Checkpoint, CheckpointSettings } from './checkpoint-policy.js';
import { checkpointIfDue } from './checkpoint-store.js';

/** Looks every `tickMs` (default: a fifth of the interval, between 1 s and 30 s) and records a due checkpoint. */
export class CheckpointScheduler {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly options: {
      pool: pg.Pool;
      settings: CheckpointSettings;
      logger: Logger;
      tickMs?: number;
    },
  ) {}

  /** Records a checkpoint now if one is due; returns it. */
  async tick(): Promise<Checkpoint | undefined> {
    return withTransaction(this.options.pool, async (client) => {
      await lockChain(client);
      return checkpointIfDue(client, this.options.settings);
    });
  }

  /** Starts looking in the background until `stop`. */
  start(): void {
    const every = this.options.tickMs ?? Math.min(30_000, Math.max(1_000, this.options.settings.everyMs / 5));
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.tick()
        .then((c) => {
          if (c) this.options.logger.info({ seq: c.seq, hash: c.hash }, 'Recorded an audit checkpoint');
        })
        .catch((err: Error) =>
          this.options.logger.warn({ err: { message: err.message } }, 'Failed to record an audit checkpoint'),
        )
        .finally(() => {
          this.inFlight = undefined;
        });
    }, every);
  }

  /** Stops the timer and waits for a look in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
