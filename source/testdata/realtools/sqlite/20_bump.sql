-- +tide up
CREATE TRIGGER accounts_bump AFTER INSERT ON accounts
BEGIN
    UPDATE accounts SET n = n + 10 WHERE id = NEW.id;
    UPDATE accounts SET note = 'bumped' WHERE id = NEW.id AND note IS NULL;
END;
INSERT INTO accounts (id, name) VALUES (4, 'd');

-- +tide down
DROP TRIGGER accounts_bump;
DELETE FROM accounts WHERE id = 4;
