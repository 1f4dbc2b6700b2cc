-- +goose Up
CREATE TABLE posts (id INT PRIMARY KEY, label VARCHAR(100));

-- +goose Down
DROP TABLE posts;
