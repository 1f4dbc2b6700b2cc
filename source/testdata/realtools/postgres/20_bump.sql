-- +tide up
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.n := NEW.n + 10;
    RETURN NEW;
END;
$$;

CREATE TRIGGER accounts_bump BEFORE INSERT ON accounts
    FOR EACH ROW EXECUTE FUNCTION bump();
INSERT INTO accounts (id, name) VALUES (4, 'd');

-- +tide down
DROP TRIGGER accounts_bump ON accounts;
DROP FUNCTION bump();
DELETE FROM accounts WHERE id = 4;
