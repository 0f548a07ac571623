-- +goose Up
-- Three more roles beside city, district and dong hosts:
--   department — a district's executing department (자치구 사업부서), which
--                reviews and carries out the agendas that name it;
--   finance    — the city's 재정관리담당관, to whom approved lists go;
--   monitor    — a district's monitoring team (모니터링단).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users DROP CONSTRAINT users_check;
ALTER TABLE users DROP CONSTRAINT users_check1;
ALTER TABLE users
    ADD COLUMN department text NOT NULL DEFAULT '',
    ADD CONSTRAINT users_role_check CHECK (role IN ('city', 'district', 'dong', 'department', 'finance', 'monitor')),
    ADD CONSTRAINT users_district_needed CHECK (role IN ('city', 'finance') OR district <> ''),
    ADD CONSTRAINT users_dong_needed CHECK (role <> 'dong' OR dong <> ''),
    ADD CONSTRAINT users_department_needed CHECK (role <> 'department' OR department <> '');

-- The voting rules assemblies practise beyond "up to N":
--   min_choices          "exactly N" when it equals max_choices;
--   min_age, eligible    who may register (만 나이 on the day voting opens;
--                        empty eligible: no registration, bulk codes);
--   residents,
--   min_turnout_percent  the dong's residents and the share that must vote
--                        for the vote to be valid.
ALTER TABLE assemblies
    ADD COLUMN min_choices int NOT NULL DEFAULT 1,
    ADD COLUMN min_age int NOT NULL DEFAULT 0,
    ADD COLUMN eligible text[] NOT NULL DEFAULT '{}',
    ADD COLUMN residents int,
    ADD COLUMN min_turnout_percent double precision,
    ADD CONSTRAINT assemblies_min_choices CHECK (min_choices >= 1 AND min_choices <= max_choices),
    ADD CONSTRAINT assemblies_min_age CHECK (min_age BETWEEN 0 AND 120),
    ADD CONSTRAINT assemblies_eligible CHECK (eligible <@ ARRAY['resident', 'worker', 'student', 'foreign_resident']),
    ADD CONSTRAINT assemblies_residents CHECK (residents IS NULL OR residents > 0),
    ADD CONSTRAINT assemblies_min_turnout CHECK (min_turnout_percent IS NULL
        OR (min_turnout_percent > 0 AND min_turnout_percent <= 100 AND residents IS NOT NULL));

-- +goose Down
ALTER TABLE assemblies
    DROP COLUMN min_choices, DROP COLUMN min_age, DROP COLUMN eligible,
    DROP COLUMN residents, DROP COLUMN min_turnout_percent;
ALTER TABLE users DROP CONSTRAINT users_role_check, DROP CONSTRAINT users_district_needed,
    DROP CONSTRAINT users_dong_needed, DROP CONSTRAINT users_department_needed;
DELETE FROM users WHERE role NOT IN ('city', 'district', 'dong');
ALTER TABLE users DROP COLUMN department,
    ADD CONSTRAINT users_role_check CHECK (role IN ('city', 'district', 'dong')),
    ADD CONSTRAINT users_check CHECK (role = 'city' OR district <> ''),
    ADD CONSTRAINT users_check1 CHECK (role <> 'dong' OR dong <> '');
