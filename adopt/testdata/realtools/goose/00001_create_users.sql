-- +goose Up
CREATE TABLE users (id INT PRIMARY KEY, label VARCHAR(100));

-- +goose Down
DROP TABLE users;
