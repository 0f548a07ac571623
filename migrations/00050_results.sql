-- +goose Up
-- The announced result of an assembly, frozen in the same transaction that
-- moves the assembly from closed to announced. Later reads come from here,
-- never from a recount of the ballots table.
CREATE TABLE results (
    assembly_id  bigint PRIMARY KEY REFERENCES assemblies ON DELETE CASCADE,
    snapshot     jsonb NOT NULL,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    announced_by bigint REFERENCES users ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- A snapshot can be written once and never changed.
-- +goose StatementBegin
CREATE FUNCTION results_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an announced result is frozen (assembly %)', OLD.assembly_id
        USING ERRCODE = 'P0001', HINT = 'maeul:frozen';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER results_frozen BEFORE UPDATE ON results
    FOR EACH ROW EXECUTE FUNCTION results_frozen();

-- Deadlines of the submission per plan year; without a row the plan's
-- defaults apply (동 7.17, 구 7.24, 시 7.31). Each is the last day, in Seoul.
CREATE TABLE submission_deadlines (
    year         int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    dong_due     date NOT NULL,
    district_due date NOT NULL,
    city_due     date NOT NULL,
    updated_by   bigint REFERENCES users ON DELETE SET NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (district_due >= dong_due AND city_due >= district_due)
);

-- A district's consolidated list, forwarded to the city (구 → 시).
CREATE TABLE district_forwards (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district     text NOT NULL CHECK (district <> ''),
    year         int NOT NULL,
    content      jsonb NOT NULL,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    forwarded_by bigint REFERENCES users ON DELETE SET NULL,
    forwarded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX district_forwards_district ON district_forwards (district, year, forwarded_at);

-- The selected-agenda submission of one assembly (동 → 구). A returned
-- submission is fixed by the dong and submitted again (same row).
CREATE TABLE submissions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id        bigint NOT NULL UNIQUE REFERENCES assemblies ON DELETE CASCADE,
    district           text NOT NULL,
    dong               text NOT NULL,
    year               int NOT NULL,
    state              text NOT NULL CHECK (state IN ('submitted', 'returned', 'forwarded')),
    content            jsonb NOT NULL,
    sha256             text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    first_submitted_at timestamptz NOT NULL DEFAULT now(),
    submitted_at       timestamptz NOT NULL DEFAULT now(),
    submitted_by       bigint REFERENCES users ON DELETE SET NULL,
    returned_at        timestamptz,
    return_reason      text NOT NULL DEFAULT '' CHECK (length(return_reason) <= 1000),
    forward_id         bigint REFERENCES district_forwards ON DELETE SET NULL,
    CHECK ((state = 'returned') = (returned_at IS NOT NULL AND return_reason <> '')),
    CHECK ((state = 'forwarded') = (forward_id IS NOT NULL))
);
CREATE INDEX submissions_district ON submissions (district, year);

-- The executing department (실행부서) the district designates per agenda.
CREATE TABLE designations (
    agenda_id     bigint PRIMARY KEY REFERENCES agendas ON DELETE CASCADE,
    assembly_id   bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    department    text NOT NULL CHECK (length(department) BETWEEN 1 AND 100),
    designated_by bigint REFERENCES users ON DELETE SET NULL,
    designated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (assembly_id, agenda_id) REFERENCES agendas (assembly_id, id) ON DELETE CASCADE
);

-- Every step of the results and the submission: who, when, what. Rows are
-- only ever added.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    -- Plain ids, no foreign keys: the log outlives the rows it names.
    user_id     bigint,
    actor       text NOT NULL,
    role        text NOT NULL,
    district    text NOT NULL DEFAULT '',
    dong        text NOT NULL DEFAULT '',
    assembly_id bigint,
    action      text NOT NULL CHECK (action IN ('announce', 'submit', 'resubmit', 'return', 'designate', 'forward', 'deadlines')),
    detail      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_scope ON audit_log (district, dong, at);
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'P0001';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log, designations, submissions, district_forwards, submission_deadlines, results;
DROP FUNCTION audit_log_append_only();
DROP FUNCTION results_frozen();
