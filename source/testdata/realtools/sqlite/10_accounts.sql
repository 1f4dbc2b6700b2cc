-- +tide up
CREATE TABLE accounts (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    n    INTEGER NOT NULL DEFAULT 0,
    note TEXT
);
-- A string with a line-ending semicolon.
INSERT INTO accounts (id, name, note) VALUES (1, 'a', 'semi;
colon');
INSERT INTO accounts (id, name) VALUES (2, 'b'); INSERT INTO accounts (id, name) VALUES (3, 'c');

-- +tide down
DROP TABLE accounts;
