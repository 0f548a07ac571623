-- +goose Up
-- One-time voting codes. Only hashes of the two forms (the QR secret and the
-- short typed code) are stored; the plain codes are shown to the host once.
CREATE TABLE code_batches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'online')),
    count       int NOT NULL CHECK (count > 0),
    created_by  bigint REFERENCES users ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE codes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    batch_id    bigint NOT NULL REFERENCES code_batches ON DELETE CASCADE,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'online')),
    qr_hash     bytea NOT NULL UNIQUE,
    short_hash  bytea NOT NULL UNIQUE,
    used_at     timestamptz,
    revoked_at  timestamptz,
    -- For an idempotent retry: the hash of the client's nonce, and the receipt
    -- sealed with a key derived from (code, nonce), so only the holder of both
    -- can read it back. Neither links the code to a ballot for anyone else.
    nonce_hash  bytea,
    receipt_box bytea,
    CHECK ((used_at IS NULL) = (nonce_hash IS NULL)),
    CHECK ((used_at IS NULL) = (receipt_box IS NULL))
);
CREATE INDEX codes_assembly ON codes (assembly_id, channel);

-- Ballots. Secrecy by construction: no code, no voter, no address, no time.
-- The id is random so that its order says nothing about when it was cast.
CREATE TABLE ballots (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'online', 'paper')),
    -- The resident's random tracker, shown on the receipt page.
    receipt     text NOT NULL UNIQUE,
    UNIQUE (assembly_id, id)
);
CREATE INDEX ballots_assembly ON ballots (assembly_id, channel);

-- The choices of a ballot, in the order given (position 1 = first).
-- The composite keys make the database refuse an agenda of another assembly
-- and the same agenda twice.
CREATE TABLE ballot_choices (
    assembly_id bigint NOT NULL,
    ballot_id   uuid NOT NULL,
    agenda_id   bigint NOT NULL,
    position    int NOT NULL CHECK (position > 0),
    PRIMARY KEY (ballot_id, agenda_id),
    UNIQUE (ballot_id, position),
    FOREIGN KEY (assembly_id, ballot_id) REFERENCES ballots (assembly_id, id) ON DELETE CASCADE,
    FOREIGN KEY (assembly_id, agenda_id) REFERENCES agendas (assembly_id, id) ON DELETE CASCADE
);
CREATE INDEX ballot_choices_assembly ON ballot_choices (assembly_id, agenda_id);

-- The database refuses a ballot unless the assembly is open. The row lock
-- (FOR SHARE) makes a concurrent close wait for the ballot's transaction, so
-- a ballot racing a close is either counted or refused, never lost.
-- +goose StatementBegin
CREATE FUNCTION ballots_require_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    SELECT state INTO st FROM assemblies WHERE id = NEW.assembly_id FOR SHARE;
    IF st IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION 'voting is not open for assembly %', NEW.assembly_id
            USING ERRCODE = 'P0001', HINT = 'maeul:not_open';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER ballots_require_open BEFORE INSERT ON ballots
    FOR EACH ROW EXECUTE FUNCTION ballots_require_open();

-- Paper ballots entered by staff: who entered which paper ballot, and every
-- correction. Paper ballots are anonymous already, so this link is harmless.
CREATE TABLE paper_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    ballot_id   uuid,
    user_id     bigint REFERENCES users ON DELETE SET NULL,
    action      text NOT NULL CHECK (action IN ('enter', 'correct', 'void')),
    choices     bigint[] NOT NULL DEFAULT '{}',
    previous    bigint[],
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paper_entries_assembly ON paper_entries (assembly_id, created_at);

-- Failed code attempts, counted per assembly and hour for the host to see.
-- No code and no address is kept.
CREATE TABLE code_failures (
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    hour        timestamptz NOT NULL,
    count       int NOT NULL DEFAULT 0,
    PRIMARY KEY (assembly_id, hour)
);

-- +goose Down
DROP TABLE code_failures, paper_entries, ballot_choices, ballots, codes, code_batches;
DROP FUNCTION ballots_require_open();
