-- Checkpoints: every so often (src/checkpoint-policy.ts) the service records the chain's head, {seq, hash,
-- at}, here and publishes it on quire.audit.events through the outbox, in the transaction that made
-- it due. The hash at `seq` commits to every entry up to it, so a copy kept outside the database (a
-- SIEM's) exposes a rewritten prefix or a truncated tail; the rows here make verification
-- incremental. No foreign key to audit_log: a checkpoint must outlive the entries an attacker removes,
-- so verify can say they are gone.
CREATE TABLE audit_checkpoints (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  hash text NOT NULL,
  at timestamptz NOT NULL
);

-- Append-only, like the log and for the same reasons.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_checkpoints FROM CURRENT_USER;
REVOKE ALL ON audit_checkpoints FROM PUBLIC;
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The kit's transactional outbox: checkpoint events written with their checkpoint, published and
-- deleted by the relay, which a NOTIFY on commit wakes.
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  topic text NOT NULL,
  message_key text NOT NULL,
  envelope jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_created_at ON outbox (created_at, id);
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('quire_outbox', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
