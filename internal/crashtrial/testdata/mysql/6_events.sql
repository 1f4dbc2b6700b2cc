-- A table with enough rows that rebuilding it takes a while: the server
-- goes on with the ALTER TABLE after its client has died.
-- +tide up
CREATE TABLE events (
    id         BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    payload    VARCHAR(200) NOT NULL
);
INSERT INTO events (id, account_id, payload)
SELECT n, n % 2000 + 1, CONCAT(REPEAT('x', 100), ' event ', n)
FROM (SELECT a.d * 10000 + b.d * 1000 + c.d * 100 + e.d * 10 + f.d AS n FROM digits a, digits b, digits c, digits e, digits f) s;
ALTER TABLE events ADD COLUMN kind VARCHAR(20) NOT NULL DEFAULT 'login', ALGORITHM=COPY;
