-- +tide up
CREATE TABLE posts (
    id           bigserial PRIMARY KEY,
    author_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        text NOT NULL,
    body         text NOT NULL DEFAULT '',
    published_at timestamptz
);
-- Authors list their own posts, newest first.
CREATE INDEX posts_author_id ON posts (author_id, published_at DESC);

-- +tide down
DROP TABLE posts;
