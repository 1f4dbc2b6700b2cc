-- Seed data cannot be taken back safely: no down section.
-- +tide up
INSERT INTO users (email, name) VALUES ('admin@example.com', 'Admin; the first user');
