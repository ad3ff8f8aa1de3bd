-- User profiles. `id` is the account id from Auth (the access token's subject). `version` is the
-- ETag: every update increments it, and updates must name the version they read (If-Match).
CREATE TABLE profiles (
  id uuid PRIMARY KEY,
  display_name text NOT NULL,
  email text NOT NULL,
  locale text NOT NULL DEFAULT 'en',
  avatar_url text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT profiles_email_lower CHECK (email = lower(email))
);
CREATE UNIQUE INDEX profiles_email ON profiles (email);
-- Keyset pagination walks (created_at, id).
CREATE INDEX profiles_created_at_id ON profiles (created_at, id);
CREATE INDEX profiles_locale ON profiles (locale);
CREATE INDEX profiles_display_name_prefix ON profiles (lower(display_name) text_pattern_ops);

-- Events written in the same transaction as the change; the relay publishes and deletes them.
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  topic text NOT NULL,
  message_key text NOT NULL,
  envelope jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_created_at ON outbox (created_at, id);
