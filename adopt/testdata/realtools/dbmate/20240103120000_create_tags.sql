-- migrate:up
CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(100));

-- migrate:down
DROP TABLE tags;
