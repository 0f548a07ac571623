-- +goose Up
-- Early booths' ballots carry the questions' answers like the others: the
-- questions' running counts take the early channel (00090 and 00095 were
-- written side by side, each without the other's).
ALTER TABLE tally_questions DROP CONSTRAINT tally_questions_channel_check;
ALTER TABLE tally_questions ADD CONSTRAINT tally_questions_channel_check
    CHECK (channel IN ('onsite', 'online', 'paper', 'mixed', 'early'));

-- +goose Down
DELETE FROM tally_questions WHERE channel = 'early';
ALTER TABLE tally_questions DROP CONSTRAINT tally_questions_channel_check;
ALTER TABLE tally_questions ADD CONSTRAINT tally_questions_channel_check
    CHECK (channel IN ('onsite', 'online', 'paper', 'mixed'));
