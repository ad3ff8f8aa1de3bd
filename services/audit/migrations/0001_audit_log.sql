-- The audit log: one row per platform event, append-only and hash-chained. `seq` numbers the chain
-- from 1 without gaps; `hash` is the SHA-256 of the canonical JSON of the row's content and
-- `prev_hash` (the previous row's hash, or 64 zeros for the first), so editing or removing any row
-- breaks the chain at that row (see src/audit-chain.ts).
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  event_id text NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  source text NOT NULL,
  action text NOT NULL,
  actor text,
  subject text NOT NULL,
  data jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
-- The queries filter on one of these and page backwards by seq.
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_occurred ON audit_log (occurred_at, seq);

-- Ids of the events applied, written in the same transaction as their entry (the kit's handleOnce).
CREATE TABLE processed_events (
  consumer text NOT NULL,
  event_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Append-only for the service itself. The operator makes the service's role own its schema, and an
-- owner holds every privilege unless it gives some up: these migrations run as that role, so the
-- role keeps only SELECT and INSERT on the log (REFERENCES and TRIGGER stay, which change no row).
-- Were the table created by another user and handed over later, the ACL moves with the ownership.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;
REVOKE ALL ON audit_log FROM PUBLIC;

-- And a second wall for anyone holding the privilege anyway (a superuser, or an owner that granted
-- itself back): changes are refused unless triggers are switched off, which the chain then exposes.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'The audit log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
