-- +goose Up
-- Paper ballots are counted after the phones close: closing stops phone and
-- online ballots (they go through pending_ballots, whose trigger still needs
-- an open vote); paper entry goes on while the assembly is closed and stops
-- when the result is announced. The row lock (FOR SHARE) makes an announce
-- wait for a paper entry in flight, so a paper ballot is in the frozen
-- result or refused, never half in.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION paper_ballots_require_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    IF NEW.channel <> 'paper' THEN
        RETURN NEW;
    END IF;
    SELECT state INTO st FROM assemblies WHERE id = NEW.assembly_id FOR SHARE;
    IF st IS DISTINCT FROM 'open' AND st IS DISTINCT FROM 'closed' THEN
        RAISE EXCEPTION 'paper ballots are not accepted for assembly %', NEW.assembly_id
            USING ERRCODE = 'P0001', HINT = 'maeul:not_open';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- The projector shows the ranking only once the host reveals it (announcing
-- reveals too). Hosts' tallies and results are readable once closed, as
-- before: this gates the wall only.
ALTER TABLE assemblies ADD COLUMN revealed_at timestamptz,
    ADD COLUMN revealed_by bigint REFERENCES users ON DELETE SET NULL;

-- The audit log records reveals and card reprints too.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('announce', 'submit', 'resubmit', 'return', 'designate', 'forward', 'deadlines', 'reveal', 'reprint'));

-- +goose Down
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('announce', 'submit', 'resubmit', 'return', 'designate', 'forward', 'deadlines'));
ALTER TABLE assemblies DROP COLUMN revealed_by, DROP COLUMN revealed_at;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION paper_ballots_require_open() RETURNS trigger LANGUAGE plpgsql AS $$
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
