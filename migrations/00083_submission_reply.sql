-- +goose Up
-- The dong's reply to the district's return reason, sent with the
-- resubmitted list (its history is in audit_log with each resubmission).
ALTER TABLE submissions
    ADD COLUMN reply text NOT NULL DEFAULT '' CHECK (length(reply) <= 1000);

-- +goose Down
ALTER TABLE submissions DROP COLUMN reply;
