/**
 * Waking the outbox relay on commit: PostgreSQL delivers a NOTIFY only when the transaction that
 * sent it commits, so a trigger on the outbox table tells the relay the moment events become
 * visible, and the relay's polling is only the fallback for a lost connection.
 *
 * The trigger, in a service's migrations (the payload names the schema, since every schema of the
 * database shares the channel):
 *   CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
 *   BEGIN PERFORM pg_notify('quire_outbox', TG_TABLE_SCHEMA); RETURN NULL; END $$;
 *   CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
 *     FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
 */
import pg from 'pg';
import type { Logger } from 'pino';

/** The channel the outbox trigger notifies. */
export const outboxChannel = 'quire_outbox';

/** Holds one dedicated connection that LISTENs for outbox commits, reconnecting when it is lost. */
export class OutboxListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      url: string;
      schema: string;
      /** Called on every commit that wrote events to this schema's outbox (the relay's `wake`). */
      onCommit: () => void;
      logger: Logger;
      /** Pause before reconnecting after the connection was lost (default 1 s). */
      reconnectDelayMs?: number;
    },
  ) {}

  /** Connects and listens; resolves once listening (or once the first attempt failed and a retry is scheduled). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.url, connectionTimeoutMillis: 2_000 });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.options.logger.warn(
        { err: err ? { message: err.message } : undefined },
        'Lost the outbox listener connection',
      );
      this.retry = setTimeout(() => void this.connect(), this.options.reconnectDelayMs ?? 1_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => {
      if (n.channel === outboxChannel && n.payload === this.options.schema) this.options.onCommit();
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${outboxChannel}`);
      // Commits made while not listening were missed: let the relay look once.
      this.options.onCommit();
    } catch (err) {
      lost(err as Error);
    }
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
