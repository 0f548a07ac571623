-- +goose Up
-- The resource survey (서식 2-4 마을자원 조사지): entries by category, by a
-- team of members, with a place and a photo (re-encoded like agenda photos:
-- no EXIF); the 동주민센터's 동 현황 (figures, text, files) beside it; and
-- the 발굴의제 recorded from it, each of which may become a draft agenda.
CREATE TABLE planning_survey_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district    text NOT NULL,
    dong        text NOT NULL,
    plan_year   int NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    category    text NOT NULL CHECK (category IN ('human', 'natural', 'physical', 'social', 'historical', 'improvement')),
    team        text NOT NULL DEFAULT '',
    place       text NOT NULL DEFAULT '',
    detail      text NOT NULL CHECK (length(detail) BETWEEN 1 AND 4000),
    photo       bytea, -- JPEG ≤ 800 px, re-encoded
    created_by  bigint REFERENCES users ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX planning_survey_entries_dong ON planning_survey_entries (district, dong, plan_year, category);

CREATE TABLE planning_dong_status (
    district    text NOT NULL,
    dong        text NOT NULL,
    plan_year   int NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    population  int CHECK (population >= 0),
    households  int CHECK (households >= 0),
    facilities  text NOT NULL DEFAULT '',
    statistics  text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district, dong, plan_year)
);

CREATE TABLE planning_status_files (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district     text NOT NULL,
    dong         text NOT NULL,
    plan_year    int NOT NULL,
    name         text NOT NULL,
    data         bytea NOT NULL CHECK (octet_length(data) <= 5242880),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE planning_discovered (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district    text NOT NULL,
    dong        text NOT NULL,
    plan_year   int NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    entry_id    bigint REFERENCES planning_survey_entries ON DELETE SET NULL,
    agenda_id   bigint UNIQUE REFERENCES agendas ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE planning_discovered;
DROP TABLE planning_status_files;
DROP TABLE planning_dong_status;
DROP TABLE planning_survey_entries;
