-- +goose Up
-- +goose ENVSUB ON
INSERT INTO users (email, name)
VALUES ('${ADMIN_EMAIL:-admin@example.com}', '$ADMIN_NAME');
-- +goose ENVSUB OFF
INSERT INTO posts (author_id, title) SELECT id, 'Welcome, ${ADMIN_NAME}' FROM users;
