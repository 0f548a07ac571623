-- +goose Up
-- A district's vote on its plan's projects (부문별 계획): an assembly of the
-- district as a whole (dong '구 전체') run with the same voting service as
-- the dongs', and, where the district's rules combine it with its
-- committee's scores, the weights of each part (e.g. 50 + 50) and the
-- committee's score (0–100) for each project.
CREATE TABLE dp_votes (
    application_id   bigint PRIMARY KEY REFERENCES dp_applications ON DELETE CASCADE,
    assembly_id      bigint NOT NULL UNIQUE REFERENCES assemblies ON DELETE CASCADE,
    committee_weight int NOT NULL CHECK (committee_weight BETWEEN 0 AND 100),
    resident_weight  int NOT NULL CHECK (resident_weight BETWEEN 0 AND 100),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (committee_weight + resident_weight = 100)
);

CREATE TABLE dp_vote_scores (
    application_id bigint NOT NULL REFERENCES dp_votes ON DELETE CASCADE,
    agenda_id      bigint NOT NULL REFERENCES agendas ON DELETE CASCADE,
    score          numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (application_id, agenda_id)
);

-- +goose Down
DROP TABLE dp_vote_scores, dp_votes;
