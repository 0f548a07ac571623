-- +goose Up
-- The dong's reply to the district's return reason, sent with the
-- resubmitted list (its history is in audit_log with each resubmission).
ALTER TABLE submissions
    ADD COLUMN reply text NOT NULL DEFAULT '' CHECK (length(reply) <= 1000);

-- Once its list has been submitted an agenda changes only while the
-- district has returned the list (the correction window), and never in
-- what decided the vote: its title, cost and number.
-- +goose StatementBegin
CREATE FUNCTION agendas_follow_submission() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    SELECT state INTO st FROM submissions WHERE assembly_id = OLD.assembly_id;
    IF st IS NULL THEN
        RETURN NEW;
    END IF;
    IF st <> 'returned' THEN
        RAISE EXCEPTION 'agenda %: its list is %, it changes only while returned', OLD.id, st
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.title IS DISTINCT FROM OLD.title OR NEW.cost IS DISTINCT FROM OLD.cost
        OR NEW.number IS DISTINCT FROM OLD.number OR NEW.assembly_id IS DISTINCT FROM OLD.assembly_id THEN
        RAISE EXCEPTION 'agenda %: the title, cost and number decided the vote', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER agendas_follow_submission BEFORE UPDATE ON agendas
    FOR EACH ROW EXECUTE FUNCTION agendas_follow_submission();

-- +goose Down
DROP TRIGGER agendas_follow_submission ON agendas;
DROP FUNCTION agendas_follow_submission();
ALTER TABLE submissions DROP COLUMN reply;
