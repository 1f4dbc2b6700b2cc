-- +tide up
DELIMITER //
CREATE PROCEDURE add_rows(IN k INT)
BEGIN
    DECLARE i INT DEFAULT 0;
    WHILE i < k DO
        INSERT INTO accounts (id, name) VALUES (100 + i, 'loop');
        SET i = i + 1;
    END WHILE;
END //
DELIMITER ;
CALL add_rows(3);

-- +tide down
DROP PROCEDURE add_rows;
DELETE FROM accounts WHERE id >= 100;
