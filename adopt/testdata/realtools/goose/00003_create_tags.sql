-- +goose Up
CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(100));

-- +goose Down
DROP TABLE tags;
