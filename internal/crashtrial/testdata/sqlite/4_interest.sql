-- A long statement in the middle of a migration.
-- +tide up
CREATE TABLE interest_runs (
    id      INTEGER PRIMARY KEY,
    rate_bp INTEGER NOT NULL
);
INSERT INTO interest_runs (id, rate_bp) VALUES (1, 150);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c;
UPDATE accounts SET balance = balance + balance * 150 / 10000;
