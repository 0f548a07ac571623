-- +goose Up
-- 실행계획서 header and plan fields (서식 2-5): the contacts (the council's
-- by name only: a member's phone is never stored), 실행 지역, 사업비 마련 방안.
ALTER TABLE agendas
    ADD COLUMN council_contact text NOT NULL DEFAULT '',
    ADD COLUMN center_contact  text NOT NULL DEFAULT '',
    ADD COLUMN center_phone    text NOT NULL DEFAULT '',
    ADD COLUMN execution_area  text NOT NULL DEFAULT '',
    ADD COLUMN funding_plan    text NOT NULL DEFAULT '';

-- The departments' reviews (서식 2-6): a dong asks the department named on
-- an agenda for a 과정 review of draft 1 or 2, or for the 최종 review; the
-- department (a user of role department with that district and name)
-- answers on the same row.
CREATE TABLE planning_reviews (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agenda_id     bigint NOT NULL REFERENCES agendas ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('process', 'final')),
    round         smallint NOT NULL, -- 1 or 2 for process, 0 for final
    district      text NOT NULL CHECK (district <> ''),
    department    text NOT NULL CHECK (department <> ''),
    requested_by  bigint REFERENCES users ON DELETE SET NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    answered_by   bigint REFERENCES users ON DELETE SET NULL,
    answered_at   timestamptz,
    -- 과정 (process) form
    opinion       text NOT NULL DEFAULT '', -- 검토의견: 법령 등 저촉여부, 사업타당성 등 종합의견
    proposal      text NOT NULL DEFAULT '', -- 실행방안 제안
    requests      text NOT NULL DEFAULT '', -- 요청사항
    -- 최종 (final) form
    overview      text NOT NULL DEFAULT '', -- 사업개요
    budget        bigint NOT NULL DEFAULT 0 CHECK (budget >= 0), -- 소요예산 (원)
    period        text NOT NULL DEFAULT '', -- 사업기간
    law_conflict  boolean,                  -- 법령/조례 등 저촉여부: 해당 / 해당없음
    law_reason    text NOT NULL DEFAULT '',
    ineligible    boolean,                  -- 부적격 심사기준 해당여부
    ineligible_reason text NOT NULL DEFAULT '',
    assessment    text NOT NULL DEFAULT '', -- 사업성 평가: 타당성, 시급성, 사업효과, 수혜범위
    verdict       text NOT NULL DEFAULT '' CHECK (verdict IN ('', 'adequate', 'inadequate')),
    -- 작성부서 / 검토기관 (officials' office numbers, not residents')
    org           text NOT NULL DEFAULT '', -- 기관명
    lead_name     text NOT NULL DEFAULT '', -- 팀장 (최종)
    lead_phone    text NOT NULL DEFAULT '',
    officer_name  text NOT NULL DEFAULT '', -- 담당 / 작성자
    officer_phone text NOT NULL DEFAULT '',
    CHECK ((kind = 'process' AND round IN (1, 2)) OR (kind = 'final' AND round = 0)),
    CHECK (answered_at IS NULL OR kind = 'process' OR (verdict <> '' AND law_conflict IS NOT NULL AND ineligible IS NOT NULL)),
    CHECK (law_conflict IS NOT TRUE OR law_reason <> ''),
    CHECK (ineligible IS NOT TRUE OR ineligible_reason <> ''),
    UNIQUE (agenda_id, kind, round)
);
CREATE INDEX planning_reviews_queue ON planning_reviews (district, department, requested_at);

-- Questions and answers between a dong and a department on an agenda.
CREATE TABLE planning_questions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agenda_id   bigint NOT NULL REFERENCES agendas ON DELETE CASCADE,
    author_id   bigint REFERENCES users ON DELETE SET NULL,
    author_role text NOT NULL CHECK (author_role IN ('dong', 'department')),
    author      text NOT NULL DEFAULT '', -- the dong or the department, as shown
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX planning_questions_agenda ON planning_questions (agenda_id, created_at);

-- +goose Down
DROP TABLE planning_questions;
DROP TABLE planning_reviews;
ALTER TABLE agendas DROP COLUMN council_contact, DROP COLUMN center_contact, DROP COLUMN center_phone,
    DROP COLUMN execution_area, DROP COLUMN funding_plan;
