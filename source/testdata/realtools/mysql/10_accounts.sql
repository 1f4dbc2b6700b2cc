-- +tide up
CREATE TABLE accounts (
    id   INT PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    n    INT NOT NULL DEFAULT 0,
    note VARCHAR(100)
);
-- A string with a line-ending semicolon.
INSERT INTO accounts (id, name, note) VALUES (1, 'a', 'semi;
colon');
INSERT INTO accounts (id, name) VALUES (2, 'b'); INSERT INTO accounts (id, name) VALUES (3, 'c');

-- +tide down
DROP TABLE accounts;
