-- Export jobs: one row per export request (its id comes from Document), with its progress. The
-- archive is at archive_key in the export bucket; a retried job writes the same key again.
CREATE TABLE export_jobs (
  export_id uuid PRIMARY KEY,
  requested_by text NOT NULL,
  owner_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'ready', 'failed')),
  documents_total integer NOT NULL,
  documents_done integer NOT NULL DEFAULT 0,
  bytes_done bigint NOT NULL DEFAULT 0,
  -- Times the job was started: more than one means it was retried or its worker died.
  runs integer NOT NULL DEFAULT 1,
  archive_key text,
  archive_bytes bigint,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- Ids of the requests handled, written in the same transaction as the job's outcome and its event.
CREATE TABLE processed_events (
  consumer text NOT NULL,
  event_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- export.ready / export.failed events, written with the job's outcome; the relay publishes them.
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  topic text NOT NULL,
  message_key text NOT NULL,
  envelope jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_created_at ON outbox (created_at, id);

-- Wakes the relay when a transaction that wrote events commits (NOTIFY is delivered on commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('quire_outbox', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
