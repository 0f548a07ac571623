-- +goose Up
-- Hosts: city, district and dong staff. Residents have no accounts.
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '_%@_%'),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('city', 'district', 'dong')),
    district      text NOT NULL DEFAULT '',
    dong          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'city' OR district <> ''),
    CHECK (role <> 'dong' OR dong <> '')
);

-- Browser sessions; only a hash of the cookie value is kept.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Bearer tokens for the JSON API; only a hash is kept.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);

CREATE TABLE assemblies (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{2,63}$'),
    district      text NOT NULL CHECK (district <> ''),
    dong          text NOT NULL CHECK (dong <> ''),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    place         text NOT NULL DEFAULT '',
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    budget_cap    bigint NOT NULL CHECK (budget_cap > 0),
    method        text NOT NULL CHECK (method IN ('approval', 'ranked', 'budget')),
    max_choices   int NOT NULL CHECK (max_choices BETWEEN 1 AND 100),
    online_from   timestamptz,
    online_until  timestamptz,
    sealed        boolean NOT NULL DEFAULT true,
    -- The published tie-break rule, fixed before voting opens.
    tie_break     text NOT NULL DEFAULT 'cost_asc' CHECK (tie_break IN ('cost_asc', 'number_asc')),
    state         text NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'published', 'open', 'closed', 'announced')),
    -- A rehearsal copy points at the assembly it rehearses; its data never mixes with the real one.
    rehearsal_of  bigint REFERENCES assemblies ON DELETE CASCADE,
    created_by    bigint REFERENCES users ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    opened_at     timestamptz,
    closed_at     timestamptz,
    announced_at  timestamptz,
    CHECK (ends_at > starts_at),
    CHECK (online_from IS NULL OR online_until IS NULL OR online_until > online_from)
);

-- One row per agenda (의제): every column of 서식 2-5 and the 실행계획서.
CREATE TABLE agendas (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id         bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    number              int NOT NULL CHECK (number > 0),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary             text NOT NULL DEFAULT '',
    location            text NOT NULL DEFAULT '',
    cost                bigint NOT NULL CHECK (cost >= 0),
    current_subsidy     bigint NOT NULL DEFAULT 0 CHECK (current_subsidy >= 0),
    capital_subsidy     bigint NOT NULL DEFAULT 0 CHECK (capital_subsidy >= 0),
    district_department text NOT NULL DEFAULT '',
    city_department     text NOT NULL DEFAULT '',
    subcommittee        text NOT NULL DEFAULT '',
    proposer            text NOT NULL DEFAULT '',
    execution_type      text NOT NULL DEFAULT '' CHECK (execution_type IN ('', 'private', 'public_private', 'public', 'other')),
    drafting_round      smallint NOT NULL DEFAULT 1 CHECK (drafting_round BETWEEN 1 AND 3),
    purpose             text NOT NULL DEFAULT '',
    period              text NOT NULL DEFAULT '',
    executor            text NOT NULL DEFAULT '',
    approach            text NOT NULL DEFAULT '',
    related_parties     text NOT NULL DEFAULT '',
    future_plan         text NOT NULL DEFAULT '',
    remarks             text NOT NULL DEFAULT '',
    -- 서식 2-6: the responsible department's review.
    review_result       text NOT NULL DEFAULT '' CHECK (review_result IN ('', 'adequate', 'inadequate')),
    review_department   text NOT NULL DEFAULT '',
    review_notes        text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (assembly_id, id),
    CONSTRAINT agendas_number_unique UNIQUE (assembly_id, number) DEFERRABLE INITIALLY IMMEDIATE,
    -- The 예산과목 split, when given, adds up to the cost.
    CHECK (current_subsidy + capital_subsidy = 0 OR current_subsidy + capital_subsidy = cost)
);

CREATE TABLE agenda_photos (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agenda_id   bigint NOT NULL REFERENCES agendas ON DELETE CASCADE,
    position    int NOT NULL DEFAULT 0,
    caption     text NOT NULL DEFAULT '',
    width       int NOT NULL,
    height      int NOT NULL,
    image       bytea NOT NULL, -- JPEG, at most 800 px wide
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agenda_photos_agenda ON agenda_photos (agenda_id, position);

-- Residents' opinions (의견) on the booklet.
CREATE TABLE opinions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agenda_id  bigint NOT NULL REFERENCES agendas ON DELETE CASCADE,
    author     text NOT NULL DEFAULT '' CHECK (length(author) <= 40),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    hidden     boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opinions_agenda ON opinions (agenda_id, created_at);

-- +goose Down
DROP TABLE opinions, agenda_photos, agendas, assemblies, api_tokens, sessions, users;
