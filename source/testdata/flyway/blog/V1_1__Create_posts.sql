CREATE TABLE ${schema}.posts (
    id        bigserial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    title     text NOT NULL
);
-- created by ${flyway:filename}
