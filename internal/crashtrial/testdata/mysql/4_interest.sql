-- A long statement in the middle of a migration that holds DDL.
-- +tide up
CREATE TABLE interest_runs (
    id      BIGINT PRIMARY KEY,
    rate_bp INT NOT NULL
);
INSERT INTO interest_runs (id, rate_bp) VALUES (1, 150);
SELECT SLEEP(2);
UPDATE accounts SET balance = balance + balance * 150 DIV 10000;
