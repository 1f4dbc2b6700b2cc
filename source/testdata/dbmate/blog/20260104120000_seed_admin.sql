-- migrate:up
INSERT INTO users (email, name) VALUES ('admin@example.com', 'Admin');

-- migrate:down

