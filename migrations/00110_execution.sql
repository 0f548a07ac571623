-- +goose Up
-- After the assembly (issue 15): the city hands the consolidated list to
-- finance, the committee decides per agenda, the result travels down; each
-- approved agenda is planned, carried out and reported; districts are
-- monitored (서식 2-8) and every meeting leaves minutes (서식 2-9).

-- One hand-over of the year's consolidated list to 재정관리담당관 (by 7.31).
CREATE TABLE finance_handovers (
    id        bigserial PRIMARY KEY,
    year      int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    content   jsonb NOT NULL,
    sha256    text NOT NULL,
    agendas   int NOT NULL CHECK (agendas > 0),
    handed_by bigint NOT NULL REFERENCES users,
    handed_at timestamptz NOT NULL DEFAULT now()
);

-- One selected agenda handed over, its committee decision and its execution.
CREATE TABLE approvals (
    agenda_id      bigint PRIMARY KEY REFERENCES agendas ON DELETE CASCADE,
    handover_id    bigint NOT NULL REFERENCES finance_handovers,
    assembly_id    bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    year           int NOT NULL,
    district       text NOT NULL,
    dong           text NOT NULL,
    rank           int NOT NULL,
    title          text NOT NULL,
    cost           bigint NOT NULL CHECK (cost >= 0),
    department     text NOT NULL DEFAULT '',
    decision       text NOT NULL DEFAULT 'pending'
                   CHECK (decision IN ('pending', 'approved', 'rejected', 'conditional')),
    conditions     text NOT NULL DEFAULT '',
    meeting_date   date,
    decided_by     bigint REFERENCES users,
    decided_at     timestamptz,
    status         text NOT NULL DEFAULT 'planning' CHECK (status IN ('planning', 'running', 'done', 'stopped')),
    status_at      timestamptz,
    started_on     date,
    finished_on    date,
    plan_roles     text NOT NULL DEFAULT '',
    plan_method    text NOT NULL DEFAULT '',
    plan_funding   text NOT NULL DEFAULT '',
    plan_agreed_on date,
    plan_at        timestamptz,
    plan_by        bigint REFERENCES users,
    CONSTRAINT approvals_conditions CHECK (decision <> 'conditional' OR conditions <> ''),
    CONSTRAINT approvals_meeting CHECK (decision = 'pending' OR (meeting_date IS NOT NULL AND decided_at IS NOT NULL)),
    CONSTRAINT approvals_executes_approved CHECK (status = 'planning' OR decision IN ('approved', 'conditional')),
    CONSTRAINT approvals_plan_approved CHECK (plan_at IS NULL OR decision IN ('approved', 'conditional'))
);
CREATE INDEX approvals_place ON approvals (year, district, dong);

-- What changed, for the badge and list of whoever the change concerns.
CREATE TABLE execution_events (
    id         bigserial PRIMARY KEY,
    agenda_id  bigint NOT NULL REFERENCES approvals ON DELETE CASCADE,
    district   text NOT NULL,
    dong       text NOT NULL,
    department text NOT NULL DEFAULT '',
    kind       text NOT NULL,
    detail     text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX execution_events_district ON execution_events (district, id);
CREATE TABLE execution_seen (
    user_id    bigint PRIMARY KEY REFERENCES users ON DELETE CASCADE,
    last_event bigint NOT NULL DEFAULT 0
);

-- Per district: its 실행 총괄 department (마을부서) and its results sharing date.
CREATE TABLE district_offices (
    district             text PRIMARY KEY,
    execution_department text NOT NULL DEFAULT '',
    sharing_date         date,
    updated_by           bigint REFERENCES users,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE execution_reports (
    id          bigserial PRIMARY KEY,
    agenda_id   bigint NOT NULL REFERENCES approvals ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('start', 'middle', 'final')),
    reported_on date NOT NULL,
    body        text NOT NULL CHECK (body <> ''),
    spent       bigint NOT NULL DEFAULT 0 CHECK (spent >= 0),
    created_by  bigint NOT NULL REFERENCES users,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agenda_id, kind)
);

CREATE TABLE execution_notes (
    id         bigserial PRIMARY KEY,
    agenda_id  bigint NOT NULL REFERENCES approvals ON DELETE CASCADE,
    body       text NOT NULL CHECK (body <> ''),
    created_by bigint NOT NULL REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Files other than photos (협약, signed documents): PDF or images, ≤ 10 MB.
CREATE TABLE execution_files (
    id           bigserial PRIMARY KEY,
    district     text NOT NULL,
    dong         text NOT NULL DEFAULT '',
    name         text NOT NULL CHECK (name <> ''),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    data         bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 10485760),
    created_by   bigint NOT NULL REFERENCES users,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- 민-관 협약 made at the assembly.
CREATE TABLE agreements (
    id         bigserial PRIMARY KEY,
    district   text NOT NULL,
    dong       text NOT NULL,
    year       int NOT NULL,
    agenda_id  bigint REFERENCES approvals ON DELETE SET NULL,
    parties    text NOT NULL CHECK (parties <> ''),
    signed_on  date NOT NULL,
    file_id    bigint REFERENCES execution_files ON DELETE SET NULL,
    created_by bigint NOT NULL REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Meetings and their minutes (서식 2-9), of a dong's council or a district.
CREATE TABLE meetings (
    id                 bigserial PRIMARY KEY,
    owner_kind         text NOT NULL CHECK (owner_kind IN ('dong', 'district')),
    district           text NOT NULL,
    dong               text NOT NULL DEFAULT '',
    year               int NOT NULL,
    body               text NOT NULL CHECK (body IN ('council', 'subcommittee', 'tf', 'district')),
    author_affiliation text NOT NULL CHECK (author_affiliation <> ''),
    author_name        text NOT NULL CHECK (author_name <> ''),
    title              text NOT NULL CHECK (title <> ''),
    held_at            timestamptz NOT NULL,
    place              text NOT NULL DEFAULT '',
    attendees          int NOT NULL CHECK (attendees >= 0),
    attendee_names     text NOT NULL DEFAULT '',
    summary            text NOT NULL CHECK (summary <> ''),
    created_by         bigint NOT NULL REFERENCES users,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT meetings_owner CHECK ((owner_kind = 'dong') = (dong <> ''))
);
CREATE INDEX meetings_place ON meetings (year, district, dong);

-- Photos of reports and meetings (resized JPEGs, as assembly's).
CREATE TABLE execution_photos (
    id         bigserial PRIMARY KEY,
    report_id  bigint REFERENCES execution_reports ON DELETE CASCADE,
    meeting_id bigint REFERENCES meetings ON DELETE CASCADE,
    caption    text NOT NULL DEFAULT '',
    image      bytea NOT NULL,
    width      int NOT NULL,
    height     int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT execution_photos_owner CHECK ((report_id IS NULL) <> (meeting_id IS NULL))
);

-- Field reports of the district's monitoring team (서식 2-8).
CREATE TABLE field_reports (
    id              bigserial PRIMARY KEY,
    district        text NOT NULL,
    dong            text NOT NULL CHECK (dong <> ''),
    year            int NOT NULL,
    round           text NOT NULL CHECK (round IN ('budget', 'execution')),
    interviewees    text NOT NULL DEFAULT '',
    council_members text NOT NULL DEFAULT '',
    center          text NOT NULL DEFAULT '',
    visited_at      timestamptz NOT NULL,
    op_system       text NOT NULL DEFAULT '',
    resources       text NOT NULL DEFAULT '',
    exec_system     text NOT NULL DEFAULT '',
    planning        text NOT NULL DEFAULT '',
    assembly        text NOT NULL DEFAULT '',
    other           text NOT NULL DEFAULT '',
    created_by      bigint NOT NULL REFERENCES users,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX field_reports_place ON field_reports (year, district, dong);

-- Unguessable links to a dong's or a district's results sharing page.
CREATE TABLE share_links (
    token      text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('dong', 'district')),
    district   text NOT NULL,
    dong       text NOT NULL DEFAULT '',
    year       int NOT NULL,
    created_by bigint NOT NULL REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, district, dong, year)
);

-- +goose Down
DROP TABLE share_links, field_reports, execution_photos, meetings, agreements, execution_files,
    execution_notes, execution_reports, district_offices, execution_seen, execution_events, approvals,
    finance_handovers;
