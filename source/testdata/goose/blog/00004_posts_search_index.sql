-- +goose Up
CREATE INDEX CONCURRENTLY posts_title_search ON posts USING gin (to_tsvector('english', title));

-- +goose Down
DROP INDEX CONCURRENTLY posts_title_search;

-- +goose NO TRANSACTION
