-- 찾동 마을계획단: "찾동 마을계획단은 구성기준과 상관없이 운영중인 단원 활동으로
-- 진행 가능" — a council that is a 찾아가는 동주민센터 마을계획단 is exempt from
-- the composition rules, and 찾동 dongs that apply are selected first.

-- +goose Up
ALTER TABLE council_rosters ADD COLUMN chatdong boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE council_rosters DROP COLUMN chatdong;
