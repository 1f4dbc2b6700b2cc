-- +tide no-transaction
-- +tide up
CREATE INDEX CONCURRENTLY accounts_name ON accounts (name);
CREATE INDEX CONCURRENTLY accounts_n ON accounts (n);

-- +tide down
DROP INDEX CONCURRENTLY accounts_n;
DROP INDEX CONCURRENTLY accounts_name;
