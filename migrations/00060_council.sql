-- The council roster (서식 2-1): the counts of a dong council's members per
-- plan year, checked against the plan's composition rules. Names are kept
-- only while the host chooses to (keep_names); the composite foreign key
-- below makes the database refuse a member row of a roster that does not
-- keep names, and refuse switching keep_names off while names remain.

-- +goose Up
CREATE TABLE council_rosters (
    id              bigserial PRIMARY KEY,
    district        text NOT NULL CHECK (district <> ''),
    dong            text NOT NULL CHECK (dong <> ''),
    plan_year       int  NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    council_type    text CHECK (council_type IN ('planned', 'autonomous')),
    total           int  NOT NULL CHECK (total > 0),
    male            int  NOT NULL CHECK (male >= 0),
    female          int  NOT NULL CHECK (female >= 0),
    committee       int  NOT NULL CHECK (committee >= 0),   -- 주민자치위원
    tong            int  NOT NULL CHECK (tong >= 0),        -- 통장
    ban             int  NOT NULL CHECK (ban >= 0),         -- 반장
    general         int  NOT NULL CHECK (general >= 0),     -- 일반
    age_39_under    int  NOT NULL CHECK (age_39_under >= 0),
    age_40s         int  NOT NULL CHECK (age_40s >= 0),
    age_50s         int  NOT NULL CHECK (age_50s >= 0),
    age_60s         int  NOT NULL CHECK (age_60s >= 0),
    age_70_over     int  NOT NULL CHECK (age_70_over >= 0),
    keep_names      boolean NOT NULL DEFAULT false,
    uploaded_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT council_rosters_dong_year UNIQUE (district, dong, plan_year),
    CONSTRAINT council_rosters_keep UNIQUE (id, keep_names),
    CONSTRAINT council_rosters_gender_sum CHECK (male + female = total),
    CONSTRAINT council_rosters_affiliation_sum CHECK (committee + tong + ban + general = total),
    CONSTRAINT council_rosters_age_sum CHECK (age_39_under + age_40s + age_50s + age_60s + age_70_over = total)
);

CREATE TABLE council_members (
    roster_id   bigint  NOT NULL,
    keep_names  boolean NOT NULL DEFAULT true CHECK (keep_names),
    row_no      int     NOT NULL CHECK (row_no > 0),
    name        text    NOT NULL CHECK (name <> ''),
    gender      text    NOT NULL CHECK (gender IN ('m', 'f')),
    birth_year  int     NOT NULL CHECK (birth_year BETWEEN 1900 AND 2100),
    affiliation text    NOT NULL CHECK (affiliation IN ('committee', 'tong', 'ban', 'general')),
    PRIMARY KEY (roster_id, row_no),
    FOREIGN KEY (roster_id, keep_names) REFERENCES council_rosters (id, keep_names) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE council_members;
DROP TABLE council_rosters;
