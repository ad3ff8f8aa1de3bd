-- Notifications for users (account ids from Auth), made from platform events. `seq` orders a user's
-- list for keyset pagination; (event_id, user_id, kind) makes one event notify a user once at most.
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  event_id text NOT NULL,
  -- False when the user wants this kind only on their webhooks: kept for the deliveries, not listed.
  in_app boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  UNIQUE (event_id, user_id, kind)
);
CREATE INDEX notifications_user ON notifications (user_id, seq) WHERE in_app;
CREATE INDEX notifications_unread ON notifications (user_id, seq) WHERE in_app AND read_at IS NULL;

-- Which kinds a user wants, and where; no row means both.
CREATE TABLE preferences (
  user_id text NOT NULL,
  kind text NOT NULL,
  in_app boolean NOT NULL,
  webhook boolean NOT NULL,
  PRIMARY KEY (user_id, kind)
);

-- Webhooks users registered. The secret signs deliveries (HMAC needs it in the clear); it is shown
-- once, at registration. An empty `kinds` means every kind.
CREATE TABLE webhooks (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  url text NOT NULL,
  secret text NOT NULL,
  kinds text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_user ON webhooks (user_id);

-- One delivery per notification and webhook, written with the notification (so none is lost) and
-- worked off by the dispatcher, apart from the Kafka consumer: a slow receiver never holds up events.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  -- When the next attempt is due; while one is in flight, when its lease runs out.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (webhook_id, notification_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- Every attempt, as the receiver answered it (status_code) or why it could not (error).
CREATE TABLE delivery_attempts (
  delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  status_code integer,
  error text,
  duration_ms integer NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

-- Devices (a hash of the user agent) each account logged in from, for new-device alerts.
CREATE TABLE known_devices (
  user_id text NOT NULL,
  fingerprint text NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, fingerprint)
);

-- Who each document was shared with as of its last event, to tell who a document.shared event adds.
CREATE TABLE document_sharees (
  document_id text PRIMARY KEY,
  version integer NOT NULL,
  sharees text[] NOT NULL
);

-- Ids of the events applied, written in the same transaction as their notifications (the kit's handleOnce).
CREATE TABLE processed_events (
  consumer text NOT NULL,
  event_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
