-- Accounts and their credentials. Emails are stored lower-cased, so the unique index is plain.
CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  password_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT '{user}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT accounts_email_lower CHECK (email = lower(email))
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);

-- Events written in the same transaction as the change; the relay publishes and deletes them.
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  topic text NOT NULL,
  message_key text NOT NULL,
  envelope jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_created_at ON outbox (created_at, id);
