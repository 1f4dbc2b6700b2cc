-- A long statement in the middle of a migration.
-- +tide up
CREATE TABLE interest_runs (
    id      BIGINT PRIMARY KEY,
    rate_bp INT NOT NULL
);
INSERT INTO interest_runs (id, rate_bp) VALUES (1, 150);
SELECT pg_sleep(2);
UPDATE accounts SET balance = balance + balance * 150 / 10000;
