-- +goose Up
-- Failed attempts (wrong codes, wrong passwords) counted per scope and key
-- in one-minute windows, so that every instance behind the proxy sees the
-- same count. Keys are SHA-256 hashes: no address, email or code is kept.
-- UNLOGGED: a crash forgets the counts, which is harmless.
CREATE UNLOGGED TABLE limit_failures (
    scope        text NOT NULL,
    key_hash     bytea NOT NULL,
    window_start timestamptz NOT NULL,
    count        int NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, key_hash, window_start)
);
CREATE INDEX limit_failures_window ON limit_failures (window_start);

-- API tokens expire and can be revoked.
ALTER TABLE api_tokens
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN revoked_at timestamptz;

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN revoked_at, DROP COLUMN expires_at;
DROP TABLE limit_failures;
