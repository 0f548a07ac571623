-- +goose Up
-- Rehearsal runs: a simulated crowd voting on a rehearsal copy of an
-- assembly. The copy (assemblies.rehearsal_of) and its codes and ballots are
-- deleted when the run ends; the run's report stays for the host.
CREATE TABLE rehearsal_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assemblies ON DELETE CASCADE,
    copy_id     bigint REFERENCES assemblies ON DELETE SET NULL,
    copy_slug   text NOT NULL,
    phones      int NOT NULL CHECK (phones BETWEEN 1 AND 2000),
    seconds     int NOT NULL CHECK (seconds BETWEEN 10 AND 3600),
    state       text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
    started_by  bigint REFERENCES users ON DELETE SET NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    progress    jsonb NOT NULL DEFAULT '{}',
    report      text NOT NULL DEFAULT ''
);
CREATE INDEX rehearsal_runs_assembly ON rehearsal_runs (assembly_id, started_at DESC);

-- +goose Down
DROP TABLE rehearsal_runs;
