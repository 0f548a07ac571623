-- +goose Up
-- The district plan type (區단위 계획형, 지역사회혁신계획 지원형): a district's
-- 협치○○구회의 (or a 민·관 TFT standing in for it) applies (서식 1-1), writes
-- its 지역사회혁신계획 in versions (초안 6.30, 조정안 7.31, 최종안 8.31), the
-- city's 협의조정위원회 reviews it (사전 협의조정, then at most three rounds
-- of 본 협의조정), the city's 참여예산위원회 approves it and the mayor signs
-- the 협약. One application per district and year.
CREATE TABLE dp_applications (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year                int NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    district            text NOT NULL CHECK (district <> ''),
    council_name        text NOT NULL DEFAULT '',          -- 협치○○구회의 (or the TFT's name)
    tft_standing        boolean NOT NULL DEFAULT false,    -- a 민·관 TFT stands in until approval
    civil_rep           text NOT NULL DEFAULT '',          -- 민 대표 (name; contacts stay on paper)
    public_rep          text NOT NULL DEFAULT '',          -- 관 대표
    prep_from           date,
    prep_until          date,
    prep_participants   text NOT NULL DEFAULT '',          -- 논의 주체
    structure           text NOT NULL DEFAULT '' CHECK (structure IN ('', 'type1', 'type2', 'type3', 'other')),
    structure_note      text NOT NULL DEFAULT '',          -- 논의 주체 구성
    background          text NOT NULL DEFAULT '',          -- 추진 배경
    plan_filed          boolean NOT NULL DEFAULT false,    -- 수립계획서 제출 및 협의조정 완료 (before 4.20)
    plan_filed_on       date,
    councils_agreed     boolean NOT NULL DEFAULT false,    -- 협치구회의와 區 참여예산위원회 합의
    submitted_at        timestamptz,
    shared_at           timestamptz,                       -- shared with finance (재정담당관)
    approved_at         timestamptz,                       -- 시 참여예산위원회 최종 승인
    approval_note       text NOT NULL DEFAULT '',
    agreement_on        date,                              -- 협약 (after the city council's approval)
    agreement_parties   text NOT NULL DEFAULT '',
    agreement_file      bytea,
    agreement_file_name text NOT NULL DEFAULT '',
    agreement_file_type text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (year, district),
    CHECK (prep_until IS NULL OR prep_from IS NULL OR prep_until >= prep_from),
    CHECK (shared_at IS NULL OR submitted_at IS NOT NULL),
    CHECK (agreement_on IS NULL OR approved_at IS NOT NULL),
    CHECK (agreement_file IS NULL OR octet_length(agreement_file) <= 10485760)
);

-- 논의주체 명단 (서식 1-1): everyone who discussed the plan.
CREATE TABLE dp_people (
    application_id bigint NOT NULL REFERENCES dp_applications ON DELETE CASCADE,
    seq            int NOT NULL CHECK (seq >= 1),
    name           text NOT NULL CHECK (name <> ''),
    affiliation    text NOT NULL DEFAULT '',   -- 소속/직위
    field          text NOT NULL DEFAULT '',   -- 주요활동분야
    role           text NOT NULL DEFAULT '',   -- 회의 내 역할
    grp            text NOT NULL CHECK (grp IN ('district_councillor', 'city_councillor', 'governance_council', 'budget_committee', 'other')),
    sector         text NOT NULL CHECK (sector IN ('private', 'public', 'councillor')),
    PRIMARY KEY (application_id, seq)
);

-- The plan's versions: kept, never changed once submitted.
CREATE TABLE dp_plan_versions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES dp_applications ON DELETE CASCADE,
    version          int NOT NULL CHECK (version >= 1),
    stage            text NOT NULL CHECK (stage IN ('draft', 'adjusted', 'final')),
    basic_plan       text NOT NULL DEFAULT '',   -- ① 민관협치 활성화 기본계획
    institutional    text NOT NULL DEFAULT '',   -- ② 협치 제도기반 구축계획
    pb_support       text NOT NULL DEFAULT '',   --    區 주민참여예산 활성화 지원방안 (의무)
    next_year        text NOT NULL DEFAULT '',   --    다음년도 지역사회혁신계획 수립 계획 (의무)
    proposals_note   text NOT NULL DEFAULT '',   -- 시민참여예산 개인 제안 반영
    city_grant       bigint NOT NULL DEFAULT 0 CHECK (city_grant >= 0),
    integration_cost bigint NOT NULL DEFAULT 0 CHECK (integration_cost >= 0),
    submitted_at     timestamptz NOT NULL DEFAULT now(),
    submitted_by     text NOT NULL DEFAULT '',
    UNIQUE (application_id, version)
);

-- 부문별 계획: the projects of a version.
CREATE TABLE dp_projects (
    version_id   bigint NOT NULL REFERENCES dp_plan_versions ON DELETE CASCADE,
    seq          int NOT NULL CHECK (seq >= 1),
    title        text NOT NULL CHECK (title <> ''),
    kind         int NOT NULL CHECK (kind BETWEEN 1 AND 4),  -- 유형1–4
    departments  text NOT NULL DEFAULT '',
    partners     text NOT NULL DEFAULT '',
    budget       bigint NOT NULL CHECK (budget >= 0),
    budget_lines text NOT NULL DEFAULT '',
    PRIMARY KEY (version_id, seq)
);

-- The city's 협의조정위원회 of a year: at most ten members.
CREATE TABLE dp_committee (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year   int NOT NULL,
    seq    int NOT NULL CHECK (seq BETWEEN 1 AND 10),
    name   text NOT NULL CHECK (name <> ''),
    kind   text NOT NULL CHECK (kind IN ('official', 'civil_society', 'expert')),
    UNIQUE (year, seq)
);

-- Rounds of coordination: 0 is 사전 협의조정 (7.1–7.30), 1–3 본 협의조정.
CREATE TABLE dp_rounds (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES dp_applications ON DELETE CASCADE,
    round          int NOT NULL CHECK (round BETWEEN 0 AND 3),
    version_id     bigint NOT NULL REFERENCES dp_plan_versions,
    meeting_on     date NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (application_id, round)
);

-- A member's opinion in a round, against the seed's checklist, and the
-- district's answer to it.
CREATE TABLE dp_opinions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id    bigint NOT NULL REFERENCES dp_rounds ON DELETE CASCADE,
    member_id   bigint NOT NULL REFERENCES dp_committee,
    checks      text[] NOT NULL DEFAULT '{}',   -- checklist items the member found met
    opinion     text NOT NULL CHECK (opinion <> ''),
    answer      text NOT NULL DEFAULT '',
    answered_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (round_id, member_id)
);

-- Monitoring and evaluation records: the contractor's observations, the
-- district's 자체 평가보고서, the city's 종합평가 and 성과공유 워크숍.
CREATE TABLE dp_records (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES dp_applications ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('monitoring', 'forum', 'self_evaluation', 'city_evaluation', 'workshop')),
    held_on        date NOT NULL,
    title          text NOT NULL CHECK (title <> ''),
    body           text NOT NULL DEFAULT '',
    created_by     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Every step, who and when: append-only.
CREATE TABLE dp_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES dp_applications ON DELETE CASCADE,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    action         text NOT NULL,
    detail         text NOT NULL DEFAULT ''
);
CREATE INDEX dp_events_app ON dp_events (application_id, at);

-- +goose Down
DROP TABLE dp_events, dp_records, dp_opinions, dp_rounds, dp_committee, dp_projects, dp_plan_versions, dp_people, dp_applications;
