-- +goose Up
-- The secret ballot (issue 10). A ballot is stored sealed in a holding table
-- by the transaction that consumes its code; a mixer moves sealed ballots in
-- groups of at least k, in random order, into ballots/ballot_choices in its
-- own transaction. So no system column (xmin), physical order or time ties a
-- ballot to its code better than chance among k.

-- The service secret is a file outside the database; the database keeps only
-- a check value, so a second instance given another secret cannot start.
CREATE TABLE service_secret (
    id          int PRIMARY KEY CHECK (id = 1),
    check_value bytea NOT NULL
);

-- Codes keep whether they were used, never when.
ALTER TABLE codes ADD COLUMN used boolean NOT NULL DEFAULT false;
UPDATE codes SET used = (used_at IS NOT NULL);
ALTER TABLE codes DROP COLUMN used_at; -- drops the two checks that named it
ALTER TABLE codes ADD CONSTRAINT codes_used_nonce CHECK (used = (nonce_hash IS NOT NULL)),
    ADD CONSTRAINT codes_used_receipt CHECK (used = (receipt_box IS NOT NULL));
-- Revocation is a host's act on a batch, not a resident's: its time stays.

-- Ballots waiting to be mixed: their choices sealed (AES-GCM under the
-- service secret, bound to the assembly and channel). The channel is plain:
-- the consumed code's row says it anyway. Rows are deleted by the mix that
-- moves them; the mixer mixes each channel in groups of at least k.
CREATE TABLE pending_ballots (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'online')),
    sealed      bytea NOT NULL
);
CREATE INDEX pending_ballots_assembly ON pending_ballots (assembly_id, channel);

-- A final group that had to join channels (one of them had fewer than k
-- ballots in all) is stored as 'mixed': its ballots' channels are withheld.
ALTER TABLE ballots DROP CONSTRAINT ballots_channel_check;
ALTER TABLE ballots ADD CONSTRAINT ballots_channel_check CHECK (channel IN ('onsite', 'online', 'paper', 'mixed'));

-- Codes issued = the batches' counts less the revoked codes: counted from
-- this small index, not from every code.
CREATE INDEX codes_revoked ON codes (assembly_id, channel) WHERE revoked_at IS NOT NULL;
CREATE TRIGGER pending_ballots_require_open BEFORE INSERT ON pending_ballots
    FOR EACH ROW EXECUTE FUNCTION ballots_require_open();

-- Phone and online ballots reach `ballots` only through the mixer, which may
-- run in the close's own transaction; paper ballots are entered directly and
-- still need an open vote.
-- +goose StatementBegin
CREATE FUNCTION paper_ballots_require_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    IF NEW.channel <> 'paper' THEN
        RETURN NEW;
    END IF;
    SELECT state INTO st FROM assemblies WHERE id = NEW.assembly_id FOR SHARE;
    IF st IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION 'voting is not open for assembly %', NEW.assembly_id
            USING ERRCODE = 'P0001', HINT = 'maeul:not_open';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
DROP TRIGGER ballots_require_open ON ballots;
CREATE TRIGGER ballots_require_open BEFORE INSERT ON ballots
    FOR EACH ROW EXECUTE FUNCTION paper_ballots_require_open();

-- Receipts prove that a ballot was counted, apart from the ballot they prove:
-- only a hash, no ballot id.
CREATE TABLE receipts (
    assembly_id  bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    receipt_hash bytea NOT NULL,
    PRIMARY KEY (assembly_id, receipt_hash)
);
INSERT INTO receipts (assembly_id, receipt_hash)
    SELECT assembly_id, sha256(convert_to('maeul receipt v2:' || upper(replace(replace(receipt, '-', ''), ' ', '')), 'UTF8'))
    FROM ballots;
ALTER TABLE ballots DROP COLUMN receipt;

-- Running counts, kept in the transaction that stores (or mixes) ballots, so
-- reading a tally costs O(agendas), not O(ballots). A full recount stays as a
-- check (the close compares both; announce refuses on a mismatch).
CREATE TABLE tally_channels (
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'online', 'paper')),
    ballots     bigint NOT NULL DEFAULT 0 CHECK (ballots >= 0),
    PRIMARY KEY (assembly_id, channel)
);
CREATE TABLE tally_agendas (
    assembly_id bigint NOT NULL,
    agenda_id   bigint NOT NULL,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'online', 'paper', 'mixed')),
    votes       bigint NOT NULL DEFAULT 0 CHECK (votes >= 0),
    points      bigint NOT NULL DEFAULT 0 CHECK (points >= 0),
    PRIMARY KEY (assembly_id, agenda_id, channel),
    FOREIGN KEY (assembly_id, agenda_id) REFERENCES agendas (assembly_id, id) ON DELETE CASCADE
);
INSERT INTO tally_channels (assembly_id, channel, ballots)
    SELECT assembly_id, channel, count(*) FROM ballots GROUP BY 1, 2;
INSERT INTO tally_agendas (assembly_id, agenda_id, channel, votes, points)
    SELECT c.assembly_id, c.agenda_id, b.channel, count(*),
        sum(CASE WHEN a.method = 'ranked' THEN greatest(a.max_choices - c.position + 1, 0) ELSE 1 END)
    FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id JOIN assemblies a ON a.id = c.assembly_id
    GROUP BY 1, 2, 3;

-- +goose Down
DROP INDEX codes_revoked;
DELETE FROM ballots WHERE channel = 'mixed';
ALTER TABLE ballots DROP CONSTRAINT ballots_channel_check;
ALTER TABLE ballots ADD CONSTRAINT ballots_channel_check CHECK (channel IN ('onsite', 'online', 'paper'));
DROP TABLE tally_agendas, tally_channels, pending_ballots, service_secret;
ALTER TABLE ballots ADD COLUMN receipt text UNIQUE;
DROP TABLE receipts;
DROP TRIGGER ballots_require_open ON ballots;
CREATE TRIGGER ballots_require_open BEFORE INSERT ON ballots
    FOR EACH ROW EXECUTE FUNCTION ballots_require_open();
DROP FUNCTION paper_ballots_require_open();
ALTER TABLE codes ADD COLUMN used_at timestamptz;
UPDATE codes SET used_at = CASE WHEN used THEN now() END;
ALTER TABLE codes DROP COLUMN used;
