-- +tide no-transaction
-- +tide up
CREATE INDEX CONCURRENTLY posts_title_search ON posts USING gin (to_tsvector('english', title));

-- +tide down
DROP INDEX CONCURRENTLY posts_title_search;
