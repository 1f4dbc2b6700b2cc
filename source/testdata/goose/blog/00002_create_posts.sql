-- +goose up
-- posts belong to users
CREATE TABLE posts (
    id           bigserial PRIMARY KEY,
    author_id    bigint NOT NULL REFERENCES users (id), -- the writer
    title        text NOT NULL,
    published_at timestamptz
);
CREATE INDEX posts_author_id ON posts (author_id); -- lookups by author

-- +goose down
DROP TABLE posts;
