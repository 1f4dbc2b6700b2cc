-- +tide up
ALTER TABLE users ADD COLUMN post_count integer NOT NULL DEFAULT 0;

CREATE FUNCTION bump_post_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET post_count = post_count + 1 WHERE id = NEW.author_id;
    RETURN NEW;
END;
$$;

CREATE TRIGGER posts_bump_post_count AFTER INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION bump_post_count();

-- +tide down
DROP TRIGGER posts_bump_post_count ON posts;
DROP FUNCTION bump_post_count();
ALTER TABLE users DROP COLUMN post_count;
