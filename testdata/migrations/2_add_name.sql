-- +tide up
ALTER TABLE users ADD COLUMN name VARCHAR(100);

-- +tide down
ALTER TABLE users DROP COLUMN name;
