CREATE TABLE comments (
    id      bigserial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id),
    body    text NOT NULL
);
