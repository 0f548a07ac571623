-- +goose Up
-- The council's organisation (서식 2-3 동회의 구성ㆍ운영안), one per dong and
-- plan year: 대표, 분과장회의, 분과, 운영규칙 (text or a file), 간사, 발대식.
CREATE TABLE planning_organisations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district         text NOT NULL,
    dong             text NOT NULL,
    plan_year        int NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    has_rep          boolean NOT NULL DEFAULT false,
    rep_method       text NOT NULL DEFAULT '',
    has_board        boolean NOT NULL DEFAULT false,
    board_method     text NOT NULL DEFAULT '',
    board_members    text NOT NULL DEFAULT '',
    subcommittees    text[] NOT NULL DEFAULT '{}',
    rules_text       text NOT NULL DEFAULT '',
    rules_file       bytea,
    rules_file_name  text NOT NULL DEFAULT '',
    rules_file_type  text NOT NULL DEFAULT '',
    secretaries      int NOT NULL DEFAULT 0 CHECK (secretaries BETWEEN 0 AND 100),
    secretary_role   text NOT NULL DEFAULT '',
    secretary_method text NOT NULL DEFAULT '',
    launch_date      date,
    updated_by       bigint REFERENCES users ON DELETE SET NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (rules_file IS NULL OR octet_length(rules_file) <= 5242880),
    CHECK (cardinality(subcommittees) <= 30),
    UNIQUE (district, dong, plan_year)
);

-- +goose Down
DROP TABLE planning_organisations;
