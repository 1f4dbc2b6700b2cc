-- +tide up
CREATE TABLE accounts (
    id      BIGINT PRIMARY KEY,
    email   TEXT NOT NULL,
    balance BIGINT NOT NULL DEFAULT 0
);
SELECT pg_sleep(0.2);
CREATE TABLE ledger (
    id         BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    amount     BIGINT NOT NULL,
    note       TEXT NOT NULL
);
