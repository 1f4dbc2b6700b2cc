-- +tide up
ALTER TABLE posts ADD COLUMN slug VARCHAR(200);
UPDATE posts SET slug = 'hello' WHERE id = 1;

-- +tide down
ALTER TABLE posts DROP COLUMN slug;
