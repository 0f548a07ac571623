-- +goose Up
-- Issue 12: registration (one code per person), early booths, kiosks.

-- The early channel: codes issued at an early booth (사전투표소), counted in
-- the one tally like every other channel.
ALTER TABLE code_batches DROP CONSTRAINT code_batches_channel_check,
    ADD CONSTRAINT code_batches_channel_check CHECK (channel IN ('onsite', 'online', 'early'));
ALTER TABLE codes DROP CONSTRAINT codes_channel_check,
    ADD CONSTRAINT codes_channel_check CHECK (channel IN ('onsite', 'online', 'early'));
ALTER TABLE pending_ballots DROP CONSTRAINT pending_ballots_channel_check,
    ADD CONSTRAINT pending_ballots_channel_check CHECK (channel IN ('onsite', 'online', 'early'));
ALTER TABLE ballots DROP CONSTRAINT ballots_channel_check,
    ADD CONSTRAINT ballots_channel_check CHECK (channel IN ('onsite', 'online', 'paper', 'mixed', 'early'));
ALTER TABLE tally_channels DROP CONSTRAINT tally_channels_channel_check,
    ADD CONSTRAINT tally_channels_channel_check CHECK (channel IN ('onsite', 'online', 'paper', 'early'));
ALTER TABLE tally_agendas DROP CONSTRAINT tally_agendas_channel_check,
    ADD CONSTRAINT tally_agendas_channel_check CHECK (channel IN ('onsite', 'online', 'paper', 'mixed', 'early'));

-- Early booths: a place and a time window each. A code issued at a booth
-- is taken only inside its booth's window (the consuming statement checks).
CREATE TABLE booths (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    place       text NOT NULL CHECK (place <> '' AND char_length(place) <= 100),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    UNIQUE (assembly_id, id)
);

-- Codes of registered people are added to one batch per (channel, booth),
-- so no batch's time or size names a person.
ALTER TABLE code_batches ADD COLUMN booth_id bigint,
    ADD COLUMN registered boolean NOT NULL DEFAULT false,
    ADD FOREIGN KEY (assembly_id, booth_id) REFERENCES booths (assembly_id, id),
    ADD CONSTRAINT code_batches_early_booth CHECK ((channel = 'early') = (booth_id IS NOT NULL));
ALTER TABLE codes ADD COLUMN booth_id bigint,
    ADD FOREIGN KEY (assembly_id, booth_id) REFERENCES booths (assembly_id, id),
    ADD CONSTRAINT codes_early_booth CHECK ((channel = 'early') = (booth_id IS NOT NULL));

-- Registrations: who was checked, without who they are. No name, no date
-- of birth, no code: the identity is an HMAC (service secret, per assembly)
-- of the normalised name and birth date; the primary key makes the second
-- registration of one person fail, whichever instance or channel it comes
-- from. The time is kept to the minute, for the desk's message
-- ("이미 등록된 분입니다 — 현장 등록 14:05"); there is no sequence.
CREATE TABLE registrations (
    assembly_id   bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    identity_hash bytea NOT NULL CHECK (length(identity_hash) = 32),
    category      text NOT NULL CHECK (category IN ('resident', 'worker', 'student', 'foreign_resident')),
    age_band      text NOT NULL CHECK (age_band IN ('0-13', '14-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70+')),
    channel       text NOT NULL CHECK (channel IN ('onsite', 'early', 'online')),
    booth_id      bigint,
    registered_at timestamptz NOT NULL CHECK (registered_at = date_trunc('minute', registered_at)),
    PRIMARY KEY (assembly_id, identity_hash),
    FOREIGN KEY (assembly_id, booth_id) REFERENCES booths (assembly_id, id),
    CHECK ((channel = 'early') = (booth_id IS NOT NULL))
);

-- Registrations refused as duplicates, counted for the console.
CREATE TABLE registration_refusals (
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    channel     text NOT NULL CHECK (channel IN ('onsite', 'early', 'online')),
    count       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (assembly_id, channel)
);

-- Kiosks: a staffed tablet opened by a secret link (only its hash kept),
-- revocable, like projector links.
CREATE TABLE kiosks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    label       text NOT NULL CHECK (char_length(label) <= 100),
    token_hash  bytea NOT NULL UNIQUE,
    created_by  bigint REFERENCES users ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX kiosks_assembly ON kiosks (assembly_id);

-- +goose Down
DROP TABLE kiosks, registration_refusals, registrations;
ALTER TABLE codes DROP COLUMN booth_id;
ALTER TABLE code_batches DROP COLUMN booth_id, DROP COLUMN registered;
DROP TABLE booths;
DELETE FROM tally_agendas WHERE channel = 'early';
DELETE FROM tally_channels WHERE channel = 'early';
DELETE FROM ballots WHERE channel = 'early';
DELETE FROM pending_ballots WHERE channel = 'early';
DELETE FROM codes WHERE channel = 'early';
DELETE FROM code_batches WHERE channel = 'early';
ALTER TABLE tally_agendas DROP CONSTRAINT tally_agendas_channel_check,
    ADD CONSTRAINT tally_agendas_channel_check CHECK (channel IN ('onsite', 'online', 'paper', 'mixed'));
ALTER TABLE tally_channels DROP CONSTRAINT tally_channels_channel_check,
    ADD CONSTRAINT tally_channels_channel_check CHECK (channel IN ('onsite', 'online', 'paper'));
ALTER TABLE ballots DROP CONSTRAINT ballots_channel_check,
    ADD CONSTRAINT ballots_channel_check CHECK (channel IN ('onsite', 'online', 'paper', 'mixed'));
ALTER TABLE pending_ballots DROP CONSTRAINT pending_ballots_channel_check,
    ADD CONSTRAINT pending_ballots_channel_check CHECK (channel IN ('onsite', 'online'));
ALTER TABLE codes DROP CONSTRAINT codes_channel_check,
    ADD CONSTRAINT codes_channel_check CHECK (channel IN ('onsite', 'online'));
ALTER TABLE code_batches DROP CONSTRAINT code_batches_channel_check,
    ADD CONSTRAINT code_batches_channel_check CHECK (channel IN ('onsite', 'online'));
