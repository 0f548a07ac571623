-- 동선정 (until 3.31): a dong's application (서식 2-1 with its 운영계획 page),
-- the district's selection committee and its scores on the three criteria of
-- the plan's 심사기준, the ranking and the report to the city (서식 2-2), the
-- city's register of selected dongs with each district's quota group, and the
-- year's schedule the timeline is measured against.

-- +goose Up
CREATE TABLE selection_applications (
    id            bigserial PRIMARY KEY,
    district      text NOT NULL CHECK (district <> ''),
    dong          text NOT NULL CHECK (dong <> ''),
    plan_year     int  NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    rep_name      text NOT NULL DEFAULT '' CHECK (length(rep_name) <= 50),   -- 동회의 대표
    rep_phone     text NOT NULL DEFAULT '' CHECK (length(rep_phone) <= 30),
    rep_email     text NOT NULL DEFAULT '' CHECK (length(rep_email) <= 100),
    head_name     text NOT NULL DEFAULT '' CHECK (length(head_name) <= 50),  -- 동장
    head_phone    text NOT NULL DEFAULT '' CHECK (length(head_phone) <= 30),
    head_email    text NOT NULL DEFAULT '' CHECK (length(head_email) <= 100),
    staff_name    text NOT NULL DEFAULT '' CHECK (length(staff_name) <= 50), -- 주민센터 담당자
    staff_phone   text NOT NULL DEFAULT '' CHECK (length(staff_phone) <= 30),
    council_type  text CHECK (council_type IN ('planned', 'autonomous')),
    chatdong      boolean NOT NULL DEFAULT false,
    pledge        boolean NOT NULL DEFAULT false,
    submitted_at  timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- Set by the district's decision: average score, rank 1–N, selected.
    score         numeric(6,2),
    rank          int CHECK (rank > 0),
    selected      boolean,
    CONSTRAINT selection_applications_dong_year UNIQUE (district, dong, plan_year),
    CONSTRAINT selection_applications_pledged CHECK (submitted_at IS NULL OR (pledge AND council_type IS NOT NULL
        AND rep_name <> '' AND head_name <> ''))
);

-- The 운영계획 page of 서식 2-1: for each of its ten rows, what the 동회의 and
-- the 동주민센터 will do.
CREATE TABLE selection_plan_rows (
    application_id bigint NOT NULL REFERENCES selection_applications ON DELETE CASCADE,
    item           text NOT NULL CHECK (item IN ('fidelity', 'awareness', 'capacity', 'procedure', 'deliberation',
                        'review', 'final', 'partnership', 'funding', 'support')),
    council        text NOT NULL DEFAULT '' CHECK (length(council) <= 2000),
    center         text NOT NULL DEFAULT '' CHECK (length(center) <= 2000),
    PRIMARY KEY (application_id, item)
);

-- The district's 심의 of a year: the committee's meeting, the report's
-- header (서식 2-2), the decision and the report to the city.
CREATE TABLE selection_reviews (
    district       text NOT NULL CHECK (district <> ''),
    plan_year      int  NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    held_at        timestamptz,
    place          text NOT NULL DEFAULT '' CHECK (length(place) <= 200),
    department     text NOT NULL DEFAULT '' CHECK (length(department) <= 100),
    lead_name      text NOT NULL DEFAULT '' CHECK (length(lead_name) <= 50),
    lead_phone     text NOT NULL DEFAULT '' CHECK (length(lead_phone) <= 30),
    staff_name     text NOT NULL DEFAULT '' CHECK (length(staff_name) <= 50),
    staff_phone    text NOT NULL DEFAULT '' CHECK (length(staff_phone) <= 30),
    no_action_plan text NOT NULL DEFAULT '' CHECK (length(no_action_plan) <= 2000), -- 미선정동 조치계획
    -- 참여예산위원회 구성 전: the 민간 members are chosen freely.
    pb_committee_pending boolean NOT NULL DEFAULT false,
    skipped        boolean NOT NULL DEFAULT false, -- only 찾동 dongs applied: no 심의
    decided_at     timestamptz,
    submitted_at   timestamptz,
    PRIMARY KEY (district, plan_year),
    CHECK (submitted_at IS NULL OR decided_at IS NOT NULL)
);

CREATE TABLE selection_members (
    id         bigserial PRIMARY KEY,
    district   text NOT NULL,
    plan_year  int  NOT NULL,
    name       text NOT NULL CHECK (name <> '' AND length(name) <= 50),
    title      text NOT NULL DEFAULT '' CHECK (length(title) <= 100),
    sector     text NOT NULL CHECK (sector IN ('admin', 'civil')),   -- 행정 / 민간
    role       text NOT NULL CHECK (role IN ('budget_head', 'village_head', 'autonomy_head', 'pb_member', 'other')),
    FOREIGN KEY (district, plan_year) REFERENCES selection_reviews ON DELETE CASCADE,
    CHECK (role NOT IN ('budget_head', 'village_head', 'autonomy_head') OR sector = 'admin'),
    CHECK (role <> 'pb_member' OR sector = 'civil')
);

CREATE TABLE selection_scores (
    member_id      bigint NOT NULL REFERENCES selection_members ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES selection_applications ON DELETE CASCADE,
    item           text NOT NULL CHECK (item IN ('fidelity', 'awareness', 'capacity', 'procedure', 'deliberation',
                        'review', 'final', 'partnership', 'funding', 'support')),
    points         int  NOT NULL CHECK (points BETWEEN 0 AND 100),
    PRIMARY KEY (member_id, application_id, item)
);

-- Each district's group for the year's quotas: 찾동 1단계 (≤ 5 dongs),
-- 2단계 (4), others (1). The plan does not name the districts: the city sets them.
CREATE TABLE selection_groups (
    plan_year  int  NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    district   text NOT NULL CHECK (district <> ''),
    grp        text NOT NULL CHECK (grp IN ('stage1', 'stage2', 'other')),
    PRIMARY KEY (plan_year, district)
);

-- The register of the year's selected dongs, which later lists count against.
CREATE TABLE selection_register (
    plan_year  int  NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    district   text NOT NULL CHECK (district <> ''),
    dong       text NOT NULL CHECK (dong <> ''),
    source     text NOT NULL CHECK (source IN ('district', 'city')), -- 자치구 선정 / 운영동 추가 선정
    chatdong   boolean NOT NULL DEFAULT false,
    rank       int CHECK (rank > 0),
    added_at   timestamptz NOT NULL DEFAULT now(),
    added_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (plan_year, district, dong)
);

-- The year's schedule (last days), when the city changed the seed's.
CREATE TABLE timeline_schedule (
    plan_year  int  NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    step       text NOT NULL CHECK (step IN ('application', 'selection', 'organisation', 'survey', 'drafts',
                    'reviews', 'booklet', 'assembly', 'submission')),
    due        date NOT NULL,
    PRIMARY KEY (plan_year, step)
);

-- +goose Down
DROP TABLE timeline_schedule;
DROP TABLE selection_register;
DROP TABLE selection_groups;
DROP TABLE selection_scores;
DROP TABLE selection_members;
DROP TABLE selection_reviews;
DROP TABLE selection_plan_rows;
DROP TABLE selection_applications;
