-- Seed data runs in the same transaction as its version record:
-- if any statement fails, nothing of this migration remains.
-- +tide up
INSERT INTO users (id, email, name) VALUES (1, 'admin@example.com', 'Admin; the first user');
INSERT INTO posts (id, author_id, title, body, published)
VALUES (1, 1, 'Hello', 'It''s the first post; welcome.', TRUE);

-- +tide down
DELETE FROM posts WHERE id = 1;
DELETE FROM users WHERE id = 1;
