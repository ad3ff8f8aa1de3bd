-- Documents: metadata here, content in object storage under object_key. `version` is the ETag and
-- the order of the document's events: every change (content, metadata, sharing, deletion) bumps it.
-- Owners and sharees are account ids from Auth (the access token's subject).
CREATE TABLE documents (
  id uuid PRIMARY KEY,
  owner_id text NOT NULL,
  title text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  object_key text NOT NULL,
  -- The start of the text of text formats, carried in events for the search index.
  text_excerpt text,
  tags text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Soft delete: the row stays (its events and version go on), the content goes to object_cleanup.
  deleted_at timestamptz
);
-- Keyset pagination walks (created_at, id), for everyone's documents or one owner's.
CREATE INDEX documents_created ON documents (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX documents_owner_created ON documents (owner_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX documents_tags ON documents USING gin (tags) WHERE deleted_at IS NULL;

CREATE TABLE document_shares (
  document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  permission text NOT NULL CHECK (permission IN ('read', 'write')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, user_id)
);
CREATE INDEX document_shares_user ON document_shares (user_id, document_id);

-- Objects the cleanup removes from storage once not_before has passed: content that was replaced or
-- deleted, and every upload while it is in progress (its row goes when its document commits, so the
-- object of an upload whose process died is collected too).
CREATE TABLE object_cleanup (
  object_key text PRIMARY KEY,
  not_before timestamptz NOT NULL
);
CREATE INDEX object_cleanup_due ON object_cleanup (not_before);

-- Export requests, handed to the Export service through quire.export.requests.
CREATE TABLE exports (
  id uuid PRIMARY KEY,
  requested_by text NOT NULL,
  owner_id text NOT NULL,
  format text NOT NULL,
  status text NOT NULL DEFAULT 'requested',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Events written in the same transaction as the change; the relay publishes and deletes them.
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
