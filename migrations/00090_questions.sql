-- +goose Up
-- Yes/no questions beside the agenda vote (issue 12): typically the whole
-- 자치계획 or 마을계획, voted on the same ballot with the same code.
--   rule majority:   passes when yes > no;
--   rule two_thirds: passes when yes ≥ ⅔ of (yes + no).
-- Abstentions count for neither. Questions are set while the assembly is a
-- draft or published; once voting opens they are frozen (the trigger).
CREATE TABLE questions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    text        text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 500),
    rule        text NOT NULL CHECK (rule IN ('majority', 'two_thirds')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (assembly_id, id)
);

-- +goose StatementBegin
CREATE FUNCTION questions_require_unopened() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
    aid bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        aid := OLD.assembly_id;
    ELSE
        aid := NEW.assembly_id;
    END IF;
    SELECT state INTO st FROM assemblies WHERE id = aid FOR SHARE;
    -- st IS NULL: the assembly itself is being deleted (the cascade).
    IF st IS NOT NULL AND st NOT IN ('draft', 'published') THEN
        RAISE EXCEPTION 'questions of assembly % are frozen once voting opened', aid
            USING ERRCODE = 'P0001', HINT = 'maeul:questions_frozen';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER questions_require_unopened BEFORE INSERT OR UPDATE OR DELETE ON questions
    FOR EACH ROW EXECUTE FUNCTION questions_require_unopened();

-- A ballot's answers, stored with it by the mixer (never before: until then
-- they travel inside the sealed pending ballot) or with a paper ballot.
CREATE TABLE ballot_answers (
    assembly_id bigint NOT NULL,
    ballot_id   uuid NOT NULL,
    question_id bigint NOT NULL,
    answer      text NOT NULL CHECK (answer IN ('yes', 'no', 'abstain')),
    PRIMARY KEY (ballot_id, question_id),
    FOREIGN KEY (assembly_id, ballot_id) REFERENCES ballots (assembly_id, id) ON DELETE CASCADE,
    FOREIGN KEY (assembly_id, question_id) REFERENCES questions (assembly_id, id) ON DELETE CASCADE
);
CREATE INDEX ballot_answers_assembly ON ballot_answers (assembly_id, question_id);

-- Running counts of the answers, moved in the mixing transaction (paper: in
-- the paper entry's), like tally_agendas; a full recount checks them.
CREATE TABLE tally_questions (
    assembly_id bigint NOT NULL,
    question_id bigint NOT NULL,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'online', 'paper', 'mixed')),
    yes         bigint NOT NULL DEFAULT 0 CHECK (yes >= 0),
    no          bigint NOT NULL DEFAULT 0 CHECK (no >= 0),
    abstain     bigint NOT NULL DEFAULT 0 CHECK (abstain >= 0),
    PRIMARY KEY (assembly_id, question_id, channel),
    FOREIGN KEY (assembly_id, question_id) REFERENCES questions (assembly_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE tally_questions, ballot_answers;
DROP TABLE questions;
DROP FUNCTION questions_require_unopened();
