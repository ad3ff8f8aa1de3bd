-- The ES256 keys that sign access tokens. The newest key signs; a replaced key stays published in
-- the JWKS until every token it signed has expired (expires_at), then it is deleted.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  expires_at timestamptz
);
CREATE INDEX signing_keys_created_at ON signing_keys (created_at DESC);
