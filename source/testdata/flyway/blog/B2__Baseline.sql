CREATE TABLE users (
    id    bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name  text NOT NULL
);
CREATE TABLE posts (
    id        bigserial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    title     text NOT NULL,
    slug      text
);
CREATE INDEX posts_title_search ON posts USING gin (to_tsvector('english', title));
INSERT INTO users (email, name) VALUES ('admin@example.com', 'Admin');
