-- +tide no-transaction
-- +tide up
CREATE INDEX accounts_name ON accounts (name);
CREATE INDEX accounts_n ON accounts (n);

-- +tide down
DROP INDEX accounts_n;
DROP INDEX accounts_name;
