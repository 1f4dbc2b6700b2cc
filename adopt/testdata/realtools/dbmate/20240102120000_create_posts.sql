-- migrate:up
CREATE TABLE posts (id INT PRIMARY KEY, label VARCHAR(100));

-- migrate:down
DROP TABLE posts;
