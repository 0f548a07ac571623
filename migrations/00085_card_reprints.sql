-- +goose Up
-- A printer jam need not cost a whole batch: each card of a batch has a
-- number, and its plain codes are kept sealed (AES-GCM under the service
-- secret, which is not in the database) so the host can reprint an unused
-- card or a range until voting closes. The close erases them, in its own
-- transaction; revoking a code erases its copy. A dump holds no plain code,
-- and after the close none at all, sealed or not.
CREATE TABLE code_cards (
    code_id     bigint PRIMARY KEY REFERENCES codes ON DELETE CASCADE,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    batch_id    bigint NOT NULL REFERENCES code_batches ON DELETE CASCADE,
    number      int NOT NULL CHECK (number > 0),
    sealed      bytea NOT NULL,
    UNIQUE (batch_id, number)
);
CREATE INDEX code_cards_assembly ON code_cards (assembly_id);

-- +goose Down
DROP TABLE code_cards;
