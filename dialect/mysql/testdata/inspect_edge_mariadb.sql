-- MariaDB-only edges: a unique key on a TEXT column without a prefix (a
-- "long unique", kept as a HASH index).
CREATE TABLE notes (id INT PRIMARY KEY, body TEXT, UNIQUE (body));
