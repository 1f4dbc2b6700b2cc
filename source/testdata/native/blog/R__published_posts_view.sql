-- +tide up
CREATE OR REPLACE VIEW published_posts AS
    SELECT p.id, p.title, u.name AS author, p.published_at
    FROM posts p JOIN users u ON u.id = p.author_id
    WHERE p.published_at IS NOT NULL;

-- +tide down
DROP VIEW published_posts;
