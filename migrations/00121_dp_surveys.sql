-- +goose Up
-- Surveys of the district plan's participants: simple questionnaires
-- (statements rated 1–5, and a free comment) answered anonymously through a
-- public link. An answer keeps no name, address, cookie or time of day:
-- only its ratings, its comment and the date.
CREATE TABLE dp_surveys (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES dp_applications ON DELETE CASCADE,
    title          text NOT NULL CHECK (title <> ''),
    questions      text[] NOT NULL CHECK (cardinality(questions) BETWEEN 1 AND 20),
    token          text NOT NULL UNIQUE CHECK (length(token) >= 16),
    created_at     timestamptz NOT NULL DEFAULT now(),
    closed_at      timestamptz
);

CREATE TABLE dp_survey_answers (
    survey_id   bigint NOT NULL REFERENCES dp_surveys ON DELETE CASCADE,
    ratings     int[] NOT NULL CHECK (1 <= ALL (ratings) AND 5 >= ALL (ratings)),
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    answered_on date NOT NULL DEFAULT current_date
);
CREATE INDEX dp_survey_answers_survey ON dp_survey_answers (survey_id);

-- +goose Down
DROP TABLE dp_survey_answers, dp_surveys;
