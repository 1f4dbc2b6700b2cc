-- +tide up
CREATE TABLE posts (
    id        INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users (id),
    title     VARCHAR(200) NOT NULL,
    body      TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX posts_author ON posts (author_id);

-- +tide down
DROP TABLE posts; -- drops its index too

