-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY posts_title_search ON posts USING gin (to_tsvector('english', title));

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY posts_title_search;
