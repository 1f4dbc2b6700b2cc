-- +tide up
CREATE TRIGGER accounts_bump BEFORE INSERT ON accounts FOR EACH ROW
BEGIN
    SET NEW.n = NEW.n + 10;
    SET NEW.note = COALESCE(NEW.note, 'bumped');
END;
INSERT INTO accounts (id, name) VALUES (4, 'd');

-- +tide down
DROP TRIGGER accounts_bump;
DELETE FROM accounts WHERE id = 4;
