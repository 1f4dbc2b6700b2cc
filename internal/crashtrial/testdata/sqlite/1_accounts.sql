-- The recursive counts below are pauses to kill in.
-- +tide up
CREATE TABLE accounts (
    id      INTEGER PRIMARY KEY,
    email   TEXT NOT NULL,
    balance INTEGER NOT NULL DEFAULT 0
);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) SELECT count(*) FROM c;
CREATE TABLE ledger (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    amount     INTEGER NOT NULL,
    note       TEXT NOT NULL
);
