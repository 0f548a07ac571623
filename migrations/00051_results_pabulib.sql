-- +goose Up
-- The open-data file (Pabulib) written at the announcement, next to the
-- frozen result, so the published ballots are exactly those counted.
ALTER TABLE results ADD COLUMN pabulib text;

-- +goose Down
ALTER TABLE results DROP COLUMN pabulib;
