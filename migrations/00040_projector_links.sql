-- +goose Up
-- Projector links: a URL that shows one assembly's projector and live tally
-- without a host login, for the computer that drives the wall. Only the
-- token's hash is kept; the host sees the URL once and can revoke it.
CREATE TABLE projector_links (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    label       text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
    created_by  bigint REFERENCES users ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX projector_links_assembly ON projector_links (assembly_id);

-- +goose Down
DROP TABLE projector_links;
