-- DDL commits implicitly on MySQL/MariaDB: this runs statement by
-- statement, with a pause between the statements to kill in.
-- +tide up
CREATE TABLE digits (d INT PRIMARY KEY);
CREATE TABLE accounts (
    id      BIGINT PRIMARY KEY,
    email   VARCHAR(100) NOT NULL,
    balance BIGINT NOT NULL DEFAULT 0
);
SELECT SLEEP(0.2);
CREATE TABLE ledger (
    id         BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    amount     BIGINT NOT NULL,
    note       VARCHAR(100) NOT NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id)
);
