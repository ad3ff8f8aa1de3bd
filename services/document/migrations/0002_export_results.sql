-- Document owns an export's status: the Export service publishes each outcome on
-- quire.export.results and Document records it here, so GET /v1/exports/:id answers how it ended.
ALTER TABLE exports
  -- The presigned link to the archive and when it stops working (completed exports).
  ADD COLUMN download_url text,
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN archive_bytes bigint,
  ADD COLUMN document_count integer,
  -- Listed documents Export left out because the requester may not read them.
  ADD COLUMN skipped_count integer,
  -- Why it failed, in words for the requester (failed exports).
  ADD COLUMN error text,
  ADD COLUMN finished_at timestamptz,
  ADD CONSTRAINT exports_status CHECK (status IN ('requested', 'completed', 'failed'));

-- The ids of the events this service has applied, claimed in the same transaction as their effect,
-- so a redelivered outcome changes nothing (the kit's processed-events.ts).
CREATE TABLE processed_events (
  consumer text NOT NULL,
  event_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX processed_events_processed_at ON processed_events (processed_at);
