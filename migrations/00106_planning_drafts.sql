-- +goose Up
-- 실행계획서 drafts (서식 2-5 작성 단계 1차/2차/3차): a snapshot of the
-- agenda's fields per round, so what changed between rounds can be shown.
CREATE TABLE planning_drafts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agenda_id bigint NOT NULL REFERENCES agendas ON DELETE CASCADE,
    round     smallint NOT NULL CHECK (round BETWEEN 1 AND 3),
    fields    jsonb NOT NULL,
    saved_by  bigint REFERENCES users ON DELETE SET NULL,
    saved_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agenda_id, round)
);

-- +goose Down
DROP TABLE planning_drafts;
