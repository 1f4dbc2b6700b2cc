-- migrate:up
CREATE TABLE users (id INT PRIMARY KEY, label VARCHAR(100));

-- migrate:down
DROP TABLE users;
