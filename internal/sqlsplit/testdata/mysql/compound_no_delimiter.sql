# Stored programs without DELIMITER: the splitter counts BEGIN/CASE/END.
CREATE DEFINER = 'admin'@'localhost' PROCEDURE transfer(IN src INT, IN dst INT, IN amt DECIMAL(12,2))
    SQL SECURITY INVOKER
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;
    START TRANSACTION;
    UPDATE accounts SET balance = balance - amt WHERE id = src;
    UPDATE accounts SET balance = balance + amt WHERE id = dst;
    COMMIT;
END;

CREATE PROCEDURE counters()
outer_block: BEGIN
    DECLARE i INT DEFAULT 0;
    WHILE i < 10 DO
        SET i = i + 1;
        IF i = 5 THEN
            ITERATE outer_block;
        ELSEIF i > 8 THEN
            LEAVE outer_block;
        END IF;
    END WHILE;
    REPEAT
        SET i = i - 1;
    UNTIL i <= 0 END REPEAT;
    inner_block: BEGIN
        SELECT IF(i > 0, 'positive', 'non-positive') AS sign, REPEAT('x', 3) AS xs;
    END inner_block;
    CASE i
        WHEN 0 THEN SELECT 'zero';
        ELSE BEGIN SELECT 'other'; END;
    END CASE;
END outer_block;

CREATE TRIGGER accounts_bu BEFORE UPDATE ON accounts FOR EACH ROW
    SET NEW.updated_at = NOW();

CREATE DEFINER=CURRENT_USER TRIGGER accounts_au AFTER UPDATE ON accounts
FOR EACH ROW BEGIN
    INSERT INTO account_log (account_id, old_balance, new_balance)
    VALUES (NEW.id, OLD.balance, NEW.balance);
END;

CREATE EVENT IF NOT EXISTS nightly
ON SCHEDULE EVERY 1 DAY STARTS '2024-01-01 03:00:00'
DO BEGIN
    DELETE FROM sessions WHERE expires_at < NOW();
    OPTIMIZE TABLE sessions;
END;

ALTER EVENT nightly DO BEGIN DELETE FROM sessions; END;

CREATE FUNCTION safe_div(a INT, b INT) RETURNS INT DETERMINISTIC RETURN IF(b = 0, NULL, a DIV b);

DROP TABLE IF EXISTS tmp_totals;
CREATE TABLE IF NOT EXISTS tmp_totals (id INT, begin DATETIME, end DATETIME);
