-- +tide up
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    payload    TEXT NOT NULL
);
WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < 4999)
INSERT INTO events (id, account_id, payload) SELECT n, n % 2000 + 1, 'event ' || n FROM g;
CREATE INDEX events_account_idx ON events (account_id);
